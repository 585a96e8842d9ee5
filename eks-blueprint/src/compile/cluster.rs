//! Validation of the cluster section: the Kubernetes version, endpoint access, logging,
//! access entries and policies, encryption keys, security groups and the service CIDR.

use crate::blueprint::cluster::{Access, AccessEntry, Cluster, EndpointAccess, GuardDuty};
use crate::cidr::Ipv4Cidr;
use crate::compile::codes;
use crate::compile::common::{check_no_substitution, check_unique, is_dns_label};
use crate::compile::data::access_policies::ACCESS_POLICIES;
use crate::compile::data::versions::{support, VERSIONS_AS_OF};
use crate::compile::defaults;
use crate::error::ValidationErrors;
use crate::spec::cluster::{
    AccessEntrySpec, AccessPolicy, AccessPolicyAssociation, AuthenticationMode, ClusterSpec, IpFamily,
    KubernetesVersion, RemovalPolicy,
};
use crate::text::pascal_case;

pub(crate) fn version(version: &KubernetesVersion, errors: &mut ValidationErrors) {
    version_at("kubernetesVersion", version, errors);
}

/// Checks the Kubernetes version at `path` like `kubernetesVersion`: a minor version EKS
/// still supports.
pub(crate) fn version_at(path: &str, version: &KubernetesVersion, errors: &mut ValidationErrors) {
    let text = version.as_str();
    let Some(minor) = minor_of(text) else {
        errors.push(
            path,
            codes::INVALID_VERSION,
            format!(
                "`{}` is not a Kubernetes minor version like 1.33 (known: {})",
                crate::text::quote(text),
                known_versions()
            ),
        );
        return;
    };
    let oldest = KubernetesVersion::KNOWN[0].as_str();
    if let Some(retired) = support(version).filter(|s| s.end_of_extended_support.is_some_and(|d| d <= VERSIONS_AS_OF)) {
        errors.push(
            path,
            codes::UNSUPPORTED_VERSION,
            format!(
                "Kubernetes {text} reached the end of Amazon EKS extended support on {}: EKS no longer creates clusters of it; use {oldest} or later (known: {})",
                retired.end_of_extended_support.unwrap_or_default(),
                known_versions()
            ),
        );
        return;
    }
    let oldest_minor = minor_of(oldest).unwrap_or(0);
    if minor < oldest_minor {
        errors.push(
            path,
            codes::UNSUPPORTED_VERSION,
            format!(
                "Kubernetes {text} is older than every version Amazon EKS still supports (the oldest is {oldest}, as of {VERSIONS_AS_OF}); use {oldest} or later (known: {})",
                known_versions()
            ),
        );
    }
}

/// The minor number of a version written `1.NN` (two digits, no leading zero: the
/// `AWS::EKS::Cluster` schema's pattern for `Version` is `1\.\d\d`).
pub(crate) fn minor_of(version: &str) -> Option<u32> {
    let digits = version.strip_prefix("1.")?;
    if digits.len() != 2 || digits.starts_with('0') || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn known_versions() -> String {
    KubernetesVersion::KNOWN.iter().map(KubernetesVersion::as_str).collect::<Vec<_>>().join(", ")
}

/// The short names the blueprint file takes for the common policies.
const ACCESS_POLICY_SHORT_NAMES: [&str; 4] = ["ClusterAdmin", "Admin", "Edit", "View"];

/// Why EKS would refuse this policy for an access entry of the blueprint, as `(code,
/// message)`; `None` when it is fine.
/// Why EKS would refuse this policy for an access entry of the blueprint.
fn access_policy_problem(policy: &AccessPolicy) -> Option<(codes::Code, String)> {
    let name = policy.policy_name();
    let listed = ACCESS_POLICIES.iter().find(|(n, _)| *n == name);
    match (policy, listed) {
        (_, Some((_, true))) => Some((
            codes::SERVICE_LINKED_ACCESS_POLICY,
            format!("`{name}` is reserved for AWS service-linked roles: EKS refuses it for an access entry of your own role or user"),
        )),
        (AccessPolicy::Unlisted(_), None) => {
            let well_formed = name
                .strip_prefix("Amazon")
                .and_then(|rest| rest.strip_suffix("Policy"))
                .is_some_and(|middle| !middle.is_empty() && middle.chars().all(|c| c.is_ascii_alphanumeric()));
            (!well_formed).then(|| {
                (
                    codes::INVALID_ACCESS_POLICY,
                    format!(
                        "`{}` is not an EKS access policy name: they read Amazon<letters and digits>Policy, like AmazonEKSAdminViewPolicy",
                        crate::text::quote(name)
                    ),
                )
            })
        }
        (AccessPolicy::Other(_), None) => {
            let candidates = ACCESS_POLICY_SHORT_NAMES.iter().copied().chain(ACCESS_POLICIES.iter().map(|(n, _)| *n));
            let hint = crate::text::did_you_mean(&crate::text::closest(name, candidates, 3));
            Some((
                codes::UNKNOWN_ACCESS_POLICY,
                format!(
                    "`{}` is not an EKS access policy{hint}: write ClusterAdmin, Admin, Edit, View or a policy name like AmazonEKSAdminViewPolicy (names are case-sensitive); for a policy newer than eks-blueprint's list, write {{unlisted: <name>}}",
                    crate::text::quote(name)
                ),
            ))
        }
        _ => None,
    }
}

pub(crate) fn validate(spec: &ClusterSpec, cluster: &Cluster, errors: &mut ValidationErrors) {
    let ep = &cluster.endpoint;
    if !ep.private && !ep.public {
        errors.push(
            "cluster.endpoint",
            codes::ENDPOINT_NONE,
            "both private and public access are off; nothing could reach the API server",
        );
    }
    if ep.public && ep.public_access_cidrs.is_empty() {
        errors.push(
            "cluster.endpoint.publicAccessCidrs",
            codes::PUBLIC_ENDPOINT_OPEN,
            "a public endpoint needs an allow-list of CIDRs; to open it to the whole internet, list 0.0.0.0/0 explicitly",
        );
    }
    if !ep.public && !ep.public_access_cidrs.is_empty() {
        errors.push(
            "cluster.endpoint.publicAccessCidrs",
            codes::PUBLIC_CIDRS_UNUSED,
            "CIDRs are given but public access is off; set public: true or remove them",
        );
    }
    for (i, cidr) in ep.public_access_cidrs.iter().enumerate() {
        if let Err(e) = cidr.parse::<Ipv4Cidr>() {
            errors.push(format!("cluster.endpoint.publicAccessCidrs[{i}]"), codes::INVALID_CIDR, e);
        }
    }
    for (i, t) in cluster.logging.iter().enumerate() {
        if cluster.logging[..i].contains(t) {
            errors.push(format!("cluster.logging[{i}]"), codes::DUPLICATE, format!("`{}` is listed twice", t.as_str()));
        }
    }
    if !defaults::LOG_RETENTION_CHOICES.contains(&cluster.log_retention_days) {
        errors.push(
            "cluster.logRetentionDays",
            codes::LOG_RETENTION,
            format!(
                "{} is not a retention CloudWatch Logs offers; choose one of {}",
                cluster.log_retention_days,
                defaults::LOG_RETENTION_CHOICES.map(|d| d.to_string()).join(", ")
            ),
        );
    }
    let access = &spec.access;
    for (i, entry) in access.entries.iter().enumerate() {
        let path = format!("cluster.access.entries[{i}]");
        if !is_iam_principal_arn(&entry.principal_arn) {
            errors.push(
                format!("{path}.principalArn"),
                codes::INVALID_PRINCIPAL,
                format!(
                    "`{}` is not an IAM role or user ARN like arn:aws:iam::123456789012:role/Admin",
                    entry.principal_arn
                ),
            );
        }
        if access.entries[..i].iter().any(|e| e.principal_arn == entry.principal_arn) {
            errors.push(
                format!("{path}.principalArn"),
                codes::DUPLICATE,
                format!("`{}` has two access entries; merge them", entry.principal_arn),
            );
        }
        if entry.policies.len() > 20 {
            errors.push(
                format!("{path}.policies"),
                codes::TOO_MANY,
                format!("{} access policies; EKS allows 20 per entry", entry.policies.len()),
            );
        }
        for (j, p) in entry.policies.iter().enumerate() {
            if let Some((code, message)) = access_policy_problem(&p.policy) {
                errors.push(format!("{path}.policies[{j}].policy"), code, message);
            }
            if p.namespaces.as_ref().is_some_and(Vec::is_empty) {
                errors.push(
                    format!("{path}.policies[{j}].namespaces"),
                    codes::EMPTY,
                    format!(
                        "the namespace list is empty, which EKS would read as the whole cluster for `{}`; list the namespaces, or leave namespaces out to grant it cluster-wide on purpose",
                        p.policy.policy_name()
                    ),
                );
            }
            for (k, ns) in p.namespaces.iter().flatten().enumerate() {
                if !is_dns_label(ns) {
                    errors.push(
                        format!("{path}.policies[{j}].namespaces[{k}]"),
                        codes::INVALID_NAMESPACE,
                        format!(
                            "`{ns}` is not a Kubernetes namespace name (lowercase letters, digits and '-', at most 63)"
                        ),
                    );
                }
            }
            if p.policy.policy_name() == AccessPolicy::ClusterAdmin.policy_name()
                && p.namespaces.as_ref().is_some_and(|ns| !ns.is_empty())
            {
                errors.push(
                    format!("{path}.policies[{j}]"),
                    codes::SCOPE,
                    "ClusterAdmin applies to the whole cluster; use Admin for namespaces",
                );
            }
        }
        // uniqueItems in the AWS::EKS::AccessEntry schema (KubernetesGroups, AccessScope.Namespaces).
        check_unique(
            &format!("{path}.kubernetesGroups"),
            &entry.kubernetes_groups,
            |g| format!("the group `{g}`"),
            errors,
        );
        for (j, p) in entry.policies.iter().enumerate() {
            if let Some(namespaces) = &p.namespaces {
                let at = format!("{path}.policies[{j}].namespaces");
                check_unique(&at, namespaces, |ns| format!("the namespace `{ns}`"), errors);
            }
        }
        for (j, g) in entry.kubernetes_groups.iter().enumerate() {
            check_no_substitution(&format!("{path}.kubernetesGroups[{j}]"), g, "a Kubernetes group", errors);
            if g.starts_with("system:") {
                errors.push(
                    format!("{path}.kubernetesGroups[{j}]"),
                    codes::RESERVED_GROUP,
                    format!("`{g}`: EKS refuses groups starting with system: in access entries; use an access policy instead"),
                );
            }
        }
        for (j, p) in entry.policies.iter().enumerate() {
            // Reported once, at the first repetition.
            let same = |q: &AccessPolicyAssociation| q.policy.policy_name() == p.policy.policy_name();
            if entry.policies[..j].iter().filter(|q| same(q)).count() == 1 {
                errors.push(
                    format!("{path}.policies[{j}]"),
                    codes::DUPLICATE,
                    format!("`{}` is associated twice; list its namespaces in one association", p.policy.policy_name()),
                );
            }
        }
        if let Some(name) = &entry.username {
            if let Some(prefix) = RESERVED_USERNAME_PREFIXES.iter().find(|p| name.starts_with(*p)) {
                errors.push(
                    format!("{path}.username"),
                    codes::RESERVED_USERNAME,
                    format!("`{name}`: EKS refuses usernames starting with {prefix}; leave username out to let EKS generate one"),
                );
            } else if name.is_empty() {
                errors.push(
                    format!("{path}.username"),
                    codes::EMPTY,
                    "the username is empty; leave it out to let EKS generate one from the ARN",
                );
            } else {
                check_no_substitution(&format!("{path}.username"), name, "a username", errors);
            }
        }
    }
    let ids: Vec<&str> = cluster.access.entries.iter().map(|e| e.id.as_str()).collect();
    for (i, id) in ids.iter().enumerate() {
        let same_id = ids[..i].iter().position(|other| other == id);
        // The same ARN twice is reported above as a duplicate.
        if let Some(j) = same_id.filter(|&j| access.entries[j].principal_arn != access.entries[i].principal_arn) {
            errors.push(
                format!("cluster.access.entries[{i}].principalArn"),
                codes::LOGICAL_ID_CLASH,
                format!(
                    // The logical id of an access entry is `AccessEntry` and its stem (render::ids).
                    "`{}` and `{}` (entries[{j}]) differ only in punctuation and would share the logical id AccessEntry{id}",
                    access.entries[i].principal_arn, access.entries[j].principal_arn
                ),
            );
        }
    }
    options(spec, cluster, errors);
    let anyone = cluster.access.bootstrap_cluster_creator_admin_permissions
        || cluster.access.authentication_mode == AuthenticationMode::ApiAndConfigMap
        || access.entries.iter().any(|e| {
            // An invalid policy grants nothing: it must not pass for access.
            let usable = |p: &AccessPolicyAssociation| {
                access_policy_problem(&p.policy).is_none() && p.namespaces.as_ref().is_none_or(|ns| !ns.is_empty())
            };
            e.policies.iter().any(usable) || !e.kubernetes_groups.is_empty()
        });
    if !anyone {
        errors.push(
            "cluster.access",
            codes::NO_ACCESS,
            "nobody could ever use the cluster: add an access entry with a policy (e.g. ClusterAdmin for your admin role) or set bootstrapClusterCreatorAdminPermissions: true",
        );
    }
}

/// Username prefixes EKS refuses in access entries
/// (<https://docs.aws.amazon.com/eks/latest/userguide/set-custom-username.html>).
const RESERVED_USERNAME_PREFIXES: [&str; 5] = ["system:", "eks:", "aws:", "amazon:", "iam:"];

/// The logical-id stems of the access entries, in order: the ARN's resource in PascalCase
/// (`RoleAdmin`, for the logical id `AccessEntryRoleAdmin`); an entry whose stem an earlier
/// entry already has (the same name in another account) gets its account too
/// (`210987654321RoleAdmin`), so adding an entry never renames an earlier one.
fn access_entry_ids(entries: &[AccessEntrySpec]) -> Vec<String> {
    let mut ids: Vec<String> = Vec::with_capacity(entries.len());
    for entry in entries {
        let parts: Vec<&str> = entry.principal_arn.splitn(6, ':').collect();
        let account = parts.get(4).copied().unwrap_or_default();
        let resource = parts.get(5).copied().unwrap_or_default();
        let plain = pascal_case(resource);
        let id = if ids.contains(&plain) { format!("{account}{}", pascal_case(resource)) } else { plain };
        ids.push(id);
    }
    ids
}

/// Applies the cluster's defaults; `removal` is the blueprint's removal policy, which
/// decides deletion protection when it is not set.
pub(crate) fn resolve(spec: &ClusterSpec, removal: RemovalPolicy) -> Cluster {
    let ids = access_entry_ids(&spec.access.entries);
    Cluster {
        endpoint: EndpointAccess {
            private: spec.endpoint.private.unwrap_or(defaults::ENDPOINT_PRIVATE),
            public: spec.endpoint.public.unwrap_or(defaults::ENDPOINT_PUBLIC),
            public_access_cidrs: spec.endpoint.public_access_cidrs.clone(),
        },
        logging: spec.logging.clone().unwrap_or_else(|| defaults::LOG_TYPES.to_vec()),
        log_retention_days: spec.log_retention_days.unwrap_or(defaults::LOG_RETENTION_DAYS),
        access: Access {
            authentication_mode: spec.access.authentication_mode.unwrap_or(defaults::AUTHENTICATION_MODE),
            bootstrap_cluster_creator_admin_permissions: spec
                .access
                .bootstrap_cluster_creator_admin_permissions
                .unwrap_or(defaults::BOOTSTRAP_CLUSTER_CREATOR_ADMIN),
            entries: spec
                .access
                .entries
                .iter()
                .zip(ids)
                .map(|(entry, id)| AccessEntry {
                    id,
                    principal_arn: entry.principal_arn.clone(),
                    policies: entry
                        .policies
                        .iter()
                        .map(|p| (p.policy.policy_name().to_owned(), p.namespaces.clone()))
                        .collect(),
                    kubernetes_groups: entry.kubernetes_groups.clone(),
                    username: entry.username.clone(),
                })
                .collect(),
        },
        upgrade_policy: spec.upgrade_policy.unwrap_or(defaults::UPGRADE_POLICY),
        deletion_protection: spec.deletion_protection.unwrap_or(match removal {
            RemovalPolicy::Retain => defaults::DELETION_PROTECTION,
            RemovalPolicy::Destroy => false,
        }),
        zonal_shift: spec.zonal_shift.unwrap_or(defaults::ZONAL_SHIFT),
        log_encryption: spec.log_encryption.unwrap_or(defaults::LOG_ENCRYPTION),
        secrets_key_arn: spec.secrets_encryption.key_arn.clone(),
        ip_family: spec.ip_family.unwrap_or(defaults::IP_FAMILY),
        service_ipv4_cidr: spec.service_ipv4_cidr.clone(),
        security_group_ids: spec.security_group_ids.clone(),
        guard_duty: spec.guard_duty.as_ref().map(|gd| GuardDuty {
            eks_audit_logs: gd.eks_audit_logs.unwrap_or(defaults::GUARDDUTY_EKS_AUDIT_LOGS),
            runtime_monitoring: gd.runtime_monitoring.unwrap_or(defaults::GUARDDUTY_RUNTIME_MONITORING),
            existing_detector: gd.existing_detector.unwrap_or(defaults::GUARDDUTY_EXISTING_DETECTOR),
        }),
        ecr_enhanced_scanning: spec.ecr_enhanced_scanning.unwrap_or(defaults::ECR_ENHANCED_SCANNING),
    }
}

/// Checks the options beyond endpoint, logging and access.
fn options(spec: &ClusterSpec, cluster: &Cluster, errors: &mut ValidationErrors) {
    if let Some(arn) = &spec.secrets_encryption.key_arn {
        if !is_kms_key_arn(arn) {
            errors.push(
                "cluster.secretsEncryption.keyArn",
                codes::INVALID_KEY_ARN,
                format!("`{arn}` is not a KMS key ARN like arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab (aliases are not accepted)"),
            );
        }
    }
    for (i, id) in cluster.security_group_ids.iter().enumerate() {
        let path = format!("cluster.securityGroupIds[{i}]");
        if !is_security_group_id(id) {
            errors.push(
                path,
                codes::INVALID_SECURITY_GROUP,
                format!("`{id}` is not a security group id like sg-0123456789abcdef0"),
            );
        } else if cluster.security_group_ids[..i].contains(id) {
            errors.push(path, codes::DUPLICATE, format!("`{id}` is listed twice"));
        }
    }
    if let Some(text) = &cluster.service_ipv4_cidr {
        let path = "cluster.serviceIpv4Cidr";
        if cluster.ip_family == IpFamily::Ipv6 {
            errors.push(
                path,
                codes::SERVICE_CIDR_IPV6,
                "an ipv6 cluster takes its service addresses from fc00::/7; remove serviceIpv4Cidr or use ipFamily: ipv4",
            );
        }
        match text.parse::<Ipv4Cidr>() {
            Err(e) => errors.push(path, codes::INVALID_CIDR, e),
            Ok(block) => {
                let ranges = defaults::SERVICE_IPV4_RANGES.iter().filter_map(|r| r.parse::<Ipv4Cidr>().ok());
                if !ranges.clone().any(|r| r.contains(block)) {
                    errors.push(
                        path,
                        codes::SERVICE_CIDR_RANGE,
                        format!(
                            "{block} is not inside {}, the private ranges EKS takes service addresses from",
                            defaults::SERVICE_IPV4_RANGES.join(", ")
                        ),
                    );
                }
                let (min, max) = (defaults::SERVICE_IPV4_MIN_PREFIX, defaults::SERVICE_IPV4_MAX_PREFIX);
                if !(min..=max).contains(&block.prefix()) {
                    errors.push(
                        path,
                        codes::SERVICE_CIDR_SIZE,
                        format!("{block}: EKS needs a service CIDR between /{min} and /{max}"),
                    );
                }
            }
        }
    }
    if let Some(gd) = &cluster.guard_duty {
        if !gd.eks_audit_logs && !gd.runtime_monitoring {
            errors.push(
                "cluster.guardDuty",
                codes::GUARDDUTY_EMPTY,
                "both eksAuditLogs and runtimeMonitoring are off, so the detector would watch nothing of the cluster; turn one on or remove guardDuty",
            );
        }
    }
}

fn is_kms_key_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    matches!(parts.as_slice(), ["arn", partition, "kms", region, account, resource]
        if partition.starts_with("aws")
            && !region.is_empty() && region.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && account.len() == 12 && account.chars().all(|c| c.is_ascii_digit())
            && resource.strip_prefix("key/").is_some_and(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')))
}

fn is_security_group_id(id: &str) -> bool {
    id.strip_prefix("sg-").is_some_and(|hex| {
        (hex.len() == 8 || hex.len() == 17) && hex.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
    })
}

/// `arn:<partition>:iam::<account>:role/<path/><name>` or `...:user/...`: a path of
/// `/`-separated parts and a name of the characters IAM allows in role and user names
/// (letters, digits and `+=,.@_-`, at most 64 for a role name)
/// (<https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html>).
fn is_iam_principal_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let iam_chars = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    matches!(parts.as_slice(), ["arn", partition, "iam", "", account, resource]
        if partition.starts_with("aws")
            && account.len() == 12 && account.chars().all(|c| c.is_ascii_digit())
            && resource
                .strip_prefix("role/")
                .or_else(|| resource.strip_prefix("user/"))
                .is_some_and(|path_name| path_name.len() <= 512 && path_name.split('/').all(iam_chars)))
}
