//! Checks of names and strings that several sections share.

use crate::compile::codes;
use crate::error::ValidationErrors;

/// Whether `s` is a DNS label (RFC 1123): a Kubernetes namespace name.
pub(crate) fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Whether `s` is a DNS subdomain (RFC 1123): a Kubernetes service account name.
pub(crate) fn is_dns_subdomain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(is_dns_label)
}

/// Refuses `${` in a user string that eks-blueprint writes into a template literally (a plain
/// string, or an `Fn::Sub` template where it escapes `${`): CloudFormation would never
/// substitute it, and cfn-lint reports `${AWS::Region}` or `${SomeLogicalId}` in a plain
/// string as an embedded parameter outside `Fn::Sub` (E1029). `what` names the field in the
/// message.
pub(crate) fn check_no_substitution(path: &str, value: &str, what: &str, errors: &mut ValidationErrors) {
    if value.contains("${") {
        errors.push(
            path,
            codes::SUBSTITUTION,
            format!(
                "`{}` contains `${{`, which CloudFormation reads as a substitution; {what} is written as given, with no substitution: write the value itself",
                crate::text::quote(value)
            ),
        );
    }
}

/// Refuses an item listed twice where the API takes a set (CloudFormation's schema says
/// `uniqueItems`, or a repeat could only be a mistake): one error per repeat, at the
/// repeat's path (`{path}[{j}]`), naming the index of the first occurrence too.
/// `show` renders an item for the message.
pub(crate) fn check_unique<T: PartialEq>(
    path: &str,
    items: &[T],
    show: impl Fn(&T) -> String,
    errors: &mut ValidationErrors,
) {
    for (j, item) in items.iter().enumerate() {
        if let Some(i) = items[..j].iter().position(|other| other == item) {
            errors.push(
                format!("{path}[{j}]"),
                codes::DUPLICATE,
                format!("{} is listed twice, at [{i}] and [{j}]; list it once", show(item)),
            );
        }
    }
}
