//! A stack under construction: a name, a template, and typed handles to its resources.

use std::marker::PhantomData;

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value;

use super::{logical_id, CfnError, DeletionPolicy, Expr, Output, Resource, Target, Template, UpdateReplacePolicy};

/// A typed CloudFormation resource: a struct of properties spelled as in the official
/// resource schema, with its type string.
pub trait ResourceType: Serialize {
    /// The type string, e.g. `AWS::EKS::Cluster`.
    const TYPE: &'static str;
}

/// A reference to a resource added to a stack, typed by the resource.
///
/// Attributes are read through typed accessors defined next to each resource type
/// (`cluster.attr_arn()`); using a handle in another stack becomes an export and an import
/// at synthesis.
#[derive(Debug)]
pub struct Handle<R> {
    target: Target,
    _resource: PhantomData<fn() -> R>,
}

impl<R> Clone for Handle<R> {
    fn clone(&self) -> Self {
        Handle { target: self.target.clone(), _resource: PhantomData }
    }
}

impl<R> Handle<R> {
    /// The resource's logical id.
    pub fn logical_id(&self) -> &str {
        &self.target.logical_id
    }

    /// The stack that owns the resource.
    pub fn stack(&self) -> &str {
        self.target.stack.as_deref().unwrap_or_default()
    }

    /// `Ref` to the resource (its physical id, or what the type documents `Ref` returns).
    pub fn reference(&self) -> Expr {
        Expr::Ref(self.target.clone())
    }

    /// `Fn::GetAtt` of an attribute. Model code uses the typed accessors instead.
    pub fn get_att(&self, attribute: &str) -> Expr {
        Expr::GetAtt(self.target.clone(), attribute.to_owned())
    }

    /// The handle's target, for dependencies.
    pub fn target(&self) -> &Target {
        &self.target
    }
}

/// The resource attributes that are not properties: dependencies, policies, condition.
#[derive(Debug, Clone, Default)]
pub struct ResourceOptions {
    depends_on: Vec<Target>,
    deletion_policy: Option<DeletionPolicy>,
    update_replace_policy: Option<UpdateReplacePolicy>,
    condition: Option<String>,
    metadata: Option<Value>,
}

impl ResourceOptions {
    /// No options.
    pub fn new() -> Self {
        ResourceOptions::default()
    }

    /// Waits for another resource. A resource of another stack becomes a stack dependency.
    pub fn depends_on<R>(mut self, other: &Handle<R>) -> Self {
        self.depends_on.push(other.target.clone());
        self
    }

    /// `DeletionPolicy` and `UpdateReplacePolicy` `Retain`: the resource survives its
    /// removal from the stack and a replacement, for stateful resources.
    pub fn retain(mut self) -> Self {
        self.deletion_policy = Some(DeletionPolicy::Retain);
        self.update_replace_policy = Some(UpdateReplacePolicy::Retain);
        self
    }

    /// `DeletionPolicy: RetainExceptOnCreate` and `UpdateReplacePolicy: Retain`: the resource
    /// survives its removal from the stack and a replacement, except that the rollback of
    /// the operation that created it deletes it, so retrying a failed first create does not
    /// fail on what the failed attempt left behind. What the AWS CDK calls
    /// `RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE`.
    pub fn retain_except_on_create(mut self) -> Self {
        self.deletion_policy = Some(DeletionPolicy::RetainExceptOnCreate);
        self.update_replace_policy = Some(UpdateReplacePolicy::Retain);
        self
    }

    /// `DeletionPolicy` and `UpdateReplacePolicy` `Delete`, written out: the resource is
    /// deleted with its stack and when replaced (CloudFormation's default, said explicitly
    /// for a stateful resource so a reader, and cfn-lint's I3011, see it is on purpose).
    pub fn destroy(mut self) -> Self {
        self.deletion_policy = Some(DeletionPolicy::Delete);
        self.update_replace_policy = Some(UpdateReplacePolicy::Delete);
        self
    }

    /// Sets the `DeletionPolicy`.
    pub fn deletion_policy(mut self, policy: DeletionPolicy) -> Self {
        self.deletion_policy = Some(policy);
        self
    }

    /// Sets the `UpdateReplacePolicy`.
    pub fn update_replace_policy(mut self, policy: UpdateReplacePolicy) -> Self {
        self.update_replace_policy = Some(policy);
        self
    }

    /// Creates the resource only when the named condition is true.
    pub fn condition(mut self, condition: impl Into<String>) -> Self {
        self.condition = Some(condition.into());
        self
    }

    /// Sets resource metadata.
    pub fn metadata(mut self, metadata: Value) -> Self {
        self.metadata = Some(metadata);
        self
    }
}

/// A stack: a name (the CloudFormation stack name) and its template.
#[derive(Debug, Clone)]
pub struct Stack {
    name: String,
    template: Template,
    /// Dependencies of resources on resources of other stacks, resolved at synthesis.
    pub(crate) foreign_depends_on: Vec<(String, Target)>,
    /// The origin given to resources added from now on.
    origin: Option<String>,
    /// Logical id -> the part of the input that produced the resource (never serialized).
    origins: IndexMap<String, String>,
    /// Output id -> the part of the input that produced the output.
    output_origins: IndexMap<String, String>,
}

impl Stack {
    /// An empty stack.
    pub fn new(name: impl Into<String>, description: impl Into<String>) -> Self {
        let mut template = Template::new();
        template.description = Some(description.into());
        Stack {
            name: name.into(),
            template,
            foreign_depends_on: Vec::new(),
            origin: None,
            origins: IndexMap::new(),
            output_origins: IndexMap::new(),
        }
    }

    /// Where the resources added from now on come from: the field path of the input that
    /// produced them (`compute.managedNodeGroups[3]`). Never part of the template: a quota
    /// error uses it to say which part of the input to change. Returns the previous one,
    /// to restore after a loop. Default: none.
    pub fn set_origin(&mut self, origin: Option<String>) -> Option<String> {
        std::mem::replace(&mut self.origin, origin)
    }

    /// The origin of a resource, when one was set while it was added.
    pub fn origin_of(&self, logical_id: &str) -> Option<&str> {
        self.origins.get(logical_id).map(String::as_str)
    }

    /// Every resource's origin: logical id -> field path.
    pub(crate) fn origins(&self) -> &IndexMap<String, String> {
        &self.origins
    }

    /// Every output's origin: output id -> field path.
    pub(crate) fn output_origins(&self) -> &IndexMap<String, String> {
        &self.output_origins
    }

    /// The origins of resources and of outputs, to change (stack splitting moves them).
    pub(crate) fn origins_mut(&mut self) -> (&mut IndexMap<String, String>, &mut IndexMap<String, String>) {
        (&mut self.origins, &mut self.output_origins)
    }

    /// The stack name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The template.
    pub fn template(&self) -> &Template {
        &self.template
    }

    /// The template, to change.
    pub fn template_mut(&mut self) -> &mut Template {
        &mut self.template
    }

    /// Adds a resource with no options.
    pub fn add<R: ResourceType>(&mut self, id: &str, resource: R) -> Result<Handle<R>, CfnError> {
        self.add_with(id, resource, ResourceOptions::new())
    }

    /// Adds a resource with options.
    pub fn add_with<R: ResourceType>(
        &mut self,
        id: &str,
        resource: R,
        options: ResourceOptions,
    ) -> Result<Handle<R>, CfnError> {
        if !logical_id::is_valid(id) {
            return Err(CfnError::InvalidLogicalId { id: id.to_owned() });
        }
        if self.template.resources.contains_key(id) {
            return Err(CfnError::DuplicateLogicalId { stack: self.name.clone(), id: id.to_owned() });
        }
        let properties =
            serde_json::to_value(&resource).map_err(|source| CfnError::Render { id: id.to_owned(), source })?;
        if let Some(property) = find_null(&properties, "") {
            return Err(CfnError::MissingProperty { id: id.to_owned(), property });
        }
        let mut depends_on = Vec::new();
        for target in options.depends_on {
            match &target.stack {
                Some(stack) if stack != &self.name => {
                    self.foreign_depends_on.push((id.to_owned(), target));
                }
                _ => depends_on.push(target.logical_id),
            }
        }
        self.template.resources.insert(
            id.to_owned(),
            Resource {
                resource_type: R::TYPE.to_owned(),
                condition: options.condition,
                depends_on,
                deletion_policy: options.deletion_policy,
                update_replace_policy: options.update_replace_policy,
                metadata: options.metadata,
                properties,
            },
        );
        if let Some(origin) = &self.origin {
            self.origins.insert(id.to_owned(), origin.clone());
        }
        Ok(Handle {
            target: Target { stack: Some(self.name.clone()), logical_id: id.to_owned() },
            _resource: PhantomData,
        })
    }

    /// A handle to a resource already in the stack, when `id` exists with the type `R`:
    /// lets a construct create a shared resource once and find it on later calls.
    pub fn handle<R: ResourceType>(&self, id: &str) -> Option<Handle<R>> {
        let resource = self.template.resources.get(id)?;
        (resource.resource_type == R::TYPE).then(|| Handle {
            target: Target { stack: Some(self.name.clone()), logical_id: id.to_owned() },
            _resource: PhantomData,
        })
    }

    /// Adds an output.
    pub fn add_output(&mut self, id: &str, output: Output) -> Result<(), CfnError> {
        if !logical_id::is_valid(id) {
            return Err(CfnError::InvalidLogicalId { id: id.to_owned() });
        }
        if self.template.outputs.contains_key(id) {
            return Err(CfnError::DuplicateLogicalId { stack: self.name.clone(), id: id.to_owned() });
        }
        self.template.outputs.insert(id.to_owned(), output);
        if let Some(origin) = &self.origin {
            self.output_origins.insert(id.to_owned(), origin.clone());
        }
        Ok(())
    }
}

/// The path of the first `null` in rendered properties: a required property left unset.
fn find_null(value: &Value, path: &str) -> Option<String> {
    match value {
        Value::Null => Some(path.trim_start_matches('.').to_owned()),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, v)| find_null(v, &format!("{path}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(k, v)| find_null(v, &format!("{path}.{k}"))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::ec2::{Subnet, VPC};

    #[test]
    fn a_required_property_left_unset_is_refused() {
        let mut stack = Stack::new("s", "test");
        let err = stack.add("Subnet", Subnet::default()).map(|_| ()).map_err(|e| e.to_string());
        assert_eq!(err, Err("resource `Subnet`: required property `VpcId` is not set".to_owned()));
    }

    #[test]
    fn ids_are_checked_and_unique() {
        let mut stack = Stack::new("s", "test");
        assert!(stack.add("Vpc", VPC::default()).is_ok());
        assert!(matches!(stack.add("Vpc", VPC::default()), Err(CfnError::DuplicateLogicalId { .. })));
        assert!(matches!(stack.add("my-vpc", VPC::default()), Err(CfnError::InvalidLogicalId { .. })));
    }

    #[test]
    fn handles_carry_their_stack() {
        let mut stack = Stack::new("demo-network", "test");
        let vpc = stack.add("Vpc", VPC::default()).map_err(|e| e.to_string());
        let vpc = vpc.as_ref().map(|h| h.attr_cidr_block().to_json());
        assert_eq!(vpc, Ok(serde_json::json!({"Fn::GetAtt": ["demo-network#Vpc", "CidrBlock"]})));
    }

    #[test]
    fn handles_are_found_again_by_id_and_type() {
        let mut stack = Stack::new("demo-network", "test");
        assert!(stack.add("Vpc", VPC::default()).is_ok());
        let found = stack.handle::<VPC>("Vpc").map(|h| h.reference().to_json());
        assert_eq!(found, Some(serde_json::json!({"Ref": "demo-network#Vpc"})));
        assert!(stack.handle::<Subnet>("Vpc").is_none());
        assert!(stack.handle::<VPC>("Other").is_none());
    }

    #[test]
    fn removal_options_write_both_policies() {
        let policies = |options: ResourceOptions| {
            let mut stack = Stack::new("s", "test");
            assert!(stack.add_with("Vpc", VPC::default(), options).is_ok());
            let resource = serde_json::to_value(&stack.template().resources["Vpc"]).unwrap_or_default();
            (resource["DeletionPolicy"].clone(), resource["UpdateReplacePolicy"].clone())
        };
        use serde_json::json;
        assert_eq!(policies(ResourceOptions::new().retain()), (json!("Retain"), json!("Retain")));
        // UpdateReplacePolicy does not take RetainExceptOnCreate: the old resource of a
        // replacement is retained.
        assert_eq!(
            policies(ResourceOptions::new().retain_except_on_create()),
            (json!("RetainExceptOnCreate"), json!("Retain"))
        );
        assert_eq!(policies(ResourceOptions::new().destroy()), (json!("Delete"), json!("Delete")));
    }
}
