//! Tags: the rules every user tag must meet where it lands, and the 50-tag limit counted
//! with the tags eks-blueprint adds.
//!
//! Where user tags go:
//!
//! - `tags` (the blueprint's): every resource that takes tags, of every service the
//!   blueprint uses (EC2, EKS, IAM, KMS, CloudWatch Logs, EventBridge, SQS, GuardDuty, Auto
//!   Scaling), and the EC2NodeClass `spec.tags` Karpenter puts on the instances it launches;
//! - `compute.managedNodeGroups[].tags`: the `AWS::EKS::Nodegroup` (not propagated);
//! - `compute.selfManagedNodeGroups[].tags`: the Auto Scaling group, propagated to its
//!   instances;
//! - `compute.fargateProfiles[].tags`: the `AWS::EKS::FargateProfile`.
//!
//! Each set meets the strictest rule of the resource types it reaches, from the
//! CloudFormation resource schemas (as cfn-lint ships them) and the AWS tag restrictions
//! (e.g. the `AWS::EKS::AccessEntry` `Tag` documentation): keys of 1 to 128 characters (127
//! on `AWS::EKS::Addon` and `AWS::EKS::FargateProfile`), values of at most 256 (255 and not
//! empty on those two); the characters of the IAM, SQS and ECS tag pattern
//! `[\p{L}\p{Z}\p{N}_.:/=+\-@]`, which the AWS tag restrictions give as the ones every
//! service accepts; no `aws:` prefix in any case on keys or values; at most 50 tags per
//! resource. U+2028 and U+2029 (`\p{Z}`, so allowed by the pattern) are refused too: YAML
//! and JavaScript read them as line breaks, and cfn-lint cannot parse a template holding
//! one in a key.

use indexmap::IndexMap;
use unicode_general_category::{get_general_category, GeneralCategory};

use crate::blueprint::tags::{self as added, SubnetKind};
use crate::compile::codes;
use crate::compile::Defaulted;
use crate::error::ValidationErrors;

/// The most user tags a resource takes (every service the blueprint tags: EC2, EKS, IAM,
/// Auto Scaling, ...). Tags starting with `aws:` do not count, and none is written here.
pub const MAX_TAGS: usize = 50;

/// The limits of one set of tags, from the resource types it reaches.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TagRules {
    /// Longest key, in characters.
    key_max: usize,
    /// Shortest value, in characters.
    value_min: usize,
    /// Longest value, in characters.
    value_max: usize,
    /// Why the limits are what they are, for messages.
    because: &'static str,
}

/// The blueprint's `tags`: they reach `AWS::EKS::Addon` and `AWS::EKS::FargateProfile`,
/// whose schemas take keys of 1 to 127 and values of 1 to 255 characters.
pub(crate) const BLUEPRINT_TAGS: TagRules = TagRules {
    key_max: 127,
    value_min: 1,
    value_max: 255,
    because: "the blueprint's tags reach EKS add-ons and Fargate profiles, which take keys of 1 to 127 characters and values of 1 to 255",
};

/// A managed node group's tags (`AWS::EKS::Nodegroup`, EKS tag restrictions).
pub(crate) const NODEGROUP_TAGS: TagRules = TagRules {
    key_max: 128,
    value_min: 0,
    value_max: 256,
    because: "EKS takes tag keys of 1 to 128 characters and values of at most 256",
};

/// A self-managed node group's tags (`AWS::AutoScaling::AutoScalingGroup` `TagProperty`).
pub(crate) const AUTO_SCALING_GROUP_TAGS: TagRules = TagRules {
    key_max: 128,
    value_min: 0,
    value_max: 256,
    because: "Auto Scaling groups take tag keys of 1 to 128 characters and values of at most 256",
};

/// A Fargate profile's tags (`AWS::EKS::FargateProfile` `Tag`: keys 1 to 127, values 1 to 255).
pub(crate) const FARGATE_PROFILE_TAGS: TagRules = TagRules {
    key_max: 127,
    value_min: 1,
    value_max: 255,
    because: "Fargate profiles take tag keys of 1 to 127 characters and values of 1 to 255",
};

/// Checks one set of tags: `path` is the field (`tags`, `compute.managedNodeGroups[0].tags`).
/// A problem with a key is reported on `path`, one with a value on `path.<key>`.
pub(crate) fn check(path: &str, tags: &IndexMap<String, String>, rules: TagRules, errors: &mut ValidationErrors) {
    for (key, value) in tags {
        let quoted = crate::text::quote(key);
        let key_len = key.chars().count();
        let mut key_ok = true;
        if key.is_empty() {
            errors.push(path, codes::INVALID_TAG, format!("a tag key is empty; {}", rules.because));
            key_ok = false;
        } else if key_len > rules.key_max {
            errors.push(
                path,
                codes::INVALID_TAG,
                format!(
                    "the tag key `{quoted}` has {key_len} characters, more than {}; {}",
                    rules.key_max, rules.because
                ),
            );
            key_ok = false;
        }
        if let Some(problem) = characters(key) {
            errors.push(path, codes::INVALID_TAG, format!("the tag key `{quoted}` {problem}"));
            key_ok = false;
        }
        if reserved(key) {
            errors.push(
                path,
                codes::INVALID_TAG,
                format!("the tag key `{quoted}` starts with aws:, a prefix reserved for AWS"),
            );
            key_ok = false;
        }
        let value_path = if key_ok { format!("{path}.{key}") } else { path.to_owned() };
        let value_len = value.chars().count();
        if value_len < rules.value_min || value_len > rules.value_max {
            let size = if value.is_empty() { "is empty".to_owned() } else { format!("has {value_len} characters") };
            errors.push(
                value_path.clone(),
                codes::INVALID_TAG,
                format!("the value of tag `{quoted}` {size}; {}", rules.because),
            );
        }
        if let Some(problem) = characters(value) {
            errors.push(
                value_path.clone(),
                codes::INVALID_TAG,
                format!("the value `{}` of tag `{quoted}` {problem}", crate::text::quote(value)),
            );
        }
        if reserved(value) {
            errors.push(
                value_path,
                codes::INVALID_TAG,
                format!("the value of tag `{quoted}` starts with aws:, a prefix reserved for AWS"),
            );
        }
    }
}

/// What is wrong with the characters of a tag key or value, if anything.
fn characters(s: &str) -> Option<String> {
    let bad = s.chars().find(|c| !tag_char(*c))?;
    let shown = match bad {
        '\u{2028}' => "U+2028 (LINE SEPARATOR, read as a line break by YAML and JavaScript)".to_owned(),
        '\u{2029}' => "U+2029 (PARAGRAPH SEPARATOR, read as a line break by YAML and JavaScript)".to_owned(),
        c if c.is_control() || c.is_whitespace() => format!("U+{:04X}", u32::from(c)),
        c => format!("`{c}` (U+{:04X})", u32::from(c)),
    };
    Some(format!(
        "contains {shown}: tags take letters, digits, spaces and _ . : / = + - @ only (the characters every AWS service accepts)"
    ))
}

/// Whether `c` is in `[\p{L}\p{Z}\p{N}_.:/=+\-@]` and is not a line or paragraph separator.
fn tag_char(c: char) -> bool {
    use GeneralCategory::*;
    matches!(c, '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@')
        || matches!(
            get_general_category(c),
            UppercaseLetter
                | LowercaseLetter
                | TitlecaseLetter
                | ModifierLetter
                | OtherLetter
                | SpaceSeparator
                | DecimalNumber
                | LetterNumber
                | OtherNumber
        )
}

/// Whether `s` starts with `aws:` in any case.
fn reserved(s: &str) -> bool {
    s.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:"))
}

/// The tags Karpenter puts on every instance, volume and launch template it creates, besides
/// the EC2NodeClass `spec.tags` (Karpenter docs, NodeClasses, `spec.tags`; the
/// `eks:eks-cluster-name` tag is one the EC2NodeClass CRD refuses in `spec.tags` because
/// Karpenter sets it).
pub(crate) fn karpenter_instance_tags(cluster: &str) -> Vec<String> {
    let mut keys = vec![added::NAME.to_owned()];
    keys.extend(added::KARPENTER_OWNED.map(str::to_owned));
    keys.extend([added::cluster(cluster), added::EKS_CLUSTER_NAME.to_owned()]);
    keys
}

/// Where tags land and how many eks-blueprint adds there, for the count check.
struct Landing {
    /// The resources, for messages (`the private subnets`).
    what: String,
    /// The keys eks-blueprint (or Karpenter) adds there, besides the user's.
    added: Vec<String>,
    /// The user's tags there: the blueprint's, and the field's own, in that order.
    user: Vec<String>,
}

impl Landing {
    /// The number of distinct keys: a user tag with the key of an added one is replaced.
    fn total(&self) -> usize {
        let mut keys: Vec<&str> = self.user.iter().chain(&self.added).map(String::as_str).collect();
        keys.sort_unstable();
        keys.dedup();
        keys.len()
    }

    /// The added keys the user does not set.
    fn extra(&self) -> Vec<&str> {
        self.added.iter().filter(|k| !self.user.contains(k)).map(String::as_str).collect()
    }
}

/// Checks the 50-tag limit on every resource, counting the tags eks-blueprint adds: the
/// blueprint's tags on their own (path `tags`), and with each node group's or Fargate
/// profile's own (the group's path).
pub(crate) fn check_counts(bp: &Defaulted, errors: &mut ValidationErrors) {
    let name = bp.name;
    let blueprint: Vec<String> = bp.tags.keys().cloned().collect();
    let on = |what: &str, added: Vec<String>| Landing { what: what.to_owned(), added, user: blueprint.clone() };

    // Everything the blueprint's tags reach, with the most tags eks-blueprint adds there.
    let mut landings = vec![on("IAM roles, KMS keys, log groups and EKS resources", Vec::new())];
    if bp.network.existing.is_none() {
        landings.push(on("the public subnets", added::subnet(name, SubnetKind::Public)));
        landings.push(on("the private subnets", added::subnet(name, SubnetKind::Private)));
        if bp.network.pod_cidr.is_some() {
            landings.push(on("the pod subnets", added::subnet(name, SubnetKind::Pods)));
        }
    }
    if bp.compute.has_node_groups() {
        landings.push(on("node instances and volumes (launch templates)", vec![added::NAME.into()]));
    }
    if bp.compute.karpenter.is_some() {
        landings.push(on(
            "the Karpenter node security group",
            vec![added::NAME.into(), added::KARPENTER_DISCOVERY.into(), added::cluster(name)],
        ));
        // The EC2NodeClass leaves out the keys Karpenter owns; Karpenter adds its own.
        let owned = karpenter_instance_tags(name);
        let user: Vec<String> = blueprint.iter().filter(|k| added::node_class_may_set(k)).cloned().collect();
        landings.push(Landing { what: "instances Karpenter launches".into(), added: owned, user });
    }
    if let Some(worst) = landings.iter().max_by_key(|l| l.total()).filter(|l| l.total() > MAX_TAGS) {
        let extra = worst.extra();
        let added = if extra.is_empty() {
            String::new()
        } else {
            format!(" ({} added by eks-blueprint on {}: {})", extra.len(), worst.what, extra.join(", "))
        };
        errors.push(
            "tags",
            codes::TOO_MANY,
            format!(
                "{} tags, at most {}{added}: AWS takes {MAX_TAGS} tags per resource",
                bp.tags.len(),
                MAX_TAGS - extra.len(),
            ),
        );
        // Each group's check below would repeat the problem: only the blueprint's is reported.
        return;
    }

    let autoscaler = |on: bool| -> Vec<String> {
        if on {
            vec!["k8s.io/cluster-autoscaler/enabled".into(), format!("k8s.io/cluster-autoscaler/{name}")]
        } else {
            Vec::new()
        }
    };
    let ca = bp.compute.cluster_autoscaler;
    let mut group_landings: Vec<(String, String, Landing)> = Vec::new();
    for (i, g) in bp.compute.managed_node_groups.iter().enumerate() {
        let mut added = vec!["Name".to_owned()];
        added.extend(autoscaler(ca));
        let user = blueprint.iter().chain(g.base.tags.keys()).cloned().collect();
        let what = format!("node group `{}`", g.base.name);
        group_landings.push((
            format!("compute.managedNodeGroups[{i}].tags"),
            what.clone(),
            Landing { what, added, user },
        ));
    }
    for (i, g) in bp.compute.self_managed_node_groups.iter().enumerate() {
        let mut added = vec!["Name".to_owned(), format!("kubernetes.io/cluster/{name}")];
        added.extend(autoscaler(ca));
        if ca {
            added.extend(g.base.labels.keys().map(|k| format!("k8s.io/cluster-autoscaler/node-template/label/{k}")));
            added.extend(
                g.base.taints.iter().map(|t| format!("k8s.io/cluster-autoscaler/node-template/taint/{}", t.key)),
            );
        }
        let user = blueprint.iter().chain(g.base.tags.keys()).cloned().collect();
        let what = format!("the Auto Scaling group of `{}`", g.base.name);
        group_landings.push((
            format!("compute.selfManagedNodeGroups[{i}].tags"),
            what.clone(),
            Landing { what, added, user },
        ));
    }
    for (i, p) in bp.compute.fargate_profiles.iter().enumerate() {
        let user = blueprint.iter().chain(p.tags.keys()).cloned().collect();
        let what = format!("Fargate profile `{}`", p.name);
        group_landings.push((
            format!("compute.fargateProfiles[{i}].tags"),
            what.clone(),
            Landing { what, added: Vec::new(), user },
        ));
    }
    for (path, what, landing) in group_landings {
        let total = landing.total();
        if total <= MAX_TAGS {
            continue;
        }
        let own = landing.user.len() - blueprint.len();
        let mut extra = landing.extra();
        extra.dedup();
        let added = if extra.is_empty() {
            String::new()
        } else {
            let shown: Vec<&str> = extra.iter().take(4).copied().collect();
            let more = if extra.len() > 4 { format!(", and {} more", extra.len() - 4) } else { String::new() };
            format!(", {} added by eks-blueprint ({}{more})", extra.len(), shown.join(", "))
        };
        errors.push(
            path,
            codes::TOO_MANY,
            format!(
                "{what} would carry {total} tags: {own} of its own, {} from the blueprint's tags{added}; AWS takes {MAX_TAGS} tags per resource",
                blueprint.len()
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_character_class_is_the_schema_pattern() {
        for ok in
            ['a', 'Z', 'é', 'ß', 'Ж', '日', 'ا', '٣', 'Ⅻ', '½', ' ', '\u{3000}', '_', '.', ':', '/', '=', '+', '-', '@']
        {
            assert!(tag_char(ok), "{ok:?}");
        }
        // Not letters, numbers or spaces: symbols, punctuation, marks, controls, separators.
        for bad in [
            '$', '{', '}', '!', '#', '%', '*', ',', ';', '"', '\'', '\\', '€', '\u{301}', '\n', '\t', '\u{85}',
            '\u{2028}', '\u{2029}', '\u{200b}', '\u{feff}',
        ] {
            assert!(!tag_char(bad), "{bad:?}");
        }
    }

    #[test]
    fn the_aws_prefix_is_reserved_in_any_case() {
        assert!(reserved("aws:x") && reserved("AWS:x") && reserved("Aws:") && !reserved("aws") && !reserved("awsx:"));
    }
}
