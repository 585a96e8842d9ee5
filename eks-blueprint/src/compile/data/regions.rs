//! The AWS Regions eks-blueprint knows: each with its partition and the prefix of its
//! Availability Zone IDs.

/// One Region of `data/regions.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// The Region code, e.g. `eu-west-1`.
    pub name: &'static str,
    /// Its partition: `aws`, `aws-cn`, `aws-us-gov`, ... (what `${AWS::Partition}` is there
    /// and what its ARNs start with).
    pub partition: &'static str,
    /// The prefix of its zone IDs (`euw1` of `euw1-az1`), when known.
    pub zone_id_prefix: Option<&'static str>,
}

/// Every Region of the table `data/regions.csv` (see `data/SOURCES.md`): the Regions of
/// cfn-lint 1.58.0 (`cfnlint.helpers.AVAILABILITY_ZONES`), partitions by the AWS SDKs'
/// `partitions.json` region patterns, and zone ID prefixes by the rule of the AWS
/// documentation "AWS Availability Zones" (the Region code abbreviated, then its number:
/// `euw1` for `eu-west-1`), for the `aws`, `aws-cn` and `aws-us-gov` partitions only.
pub fn regions() -> impl Iterator<Item = Region> {
    const TABLE: &str = include_str!("../../../data/regions.csv");
    TABLE
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("region,"))
        .filter_map(|l| {
            let mut parts = l.split(',');
            let (name, partition, prefix) = (parts.next()?, parts.next()?, parts.next()?);
            Some(Region { name, partition, zone_id_prefix: (!prefix.is_empty()).then_some(prefix) })
        })
}

/// The Region named `name`, when the table has it.
pub fn region(name: &str) -> Option<Region> {
    regions().find(|r| r.name == name)
}

/// The partition of a Region by its name's pattern (as the AWS SDKs decide it): `aws-cn`
/// for `cn-*`, `aws-us-gov` for `us-gov-*`, the isolated partitions by their prefixes,
/// `aws` otherwise.
pub fn partition_of(region_name: &str) -> &'static str {
    if let Some(known) = region(region_name) {
        return known.partition;
    }
    for (prefix, partition) in [
        ("cn-", "aws-cn"),
        ("us-gov-", "aws-us-gov"),
        ("us-isob-", "aws-iso-b"),
        ("us-isof-", "aws-iso-f"),
        ("us-iso-", "aws-iso"),
        ("eu-isoe-", "aws-iso-e"),
        ("eusc-", "aws-eusc"),
    ] {
        if region_name.starts_with(prefix) {
            return partition;
        }
    }
    "aws"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses_and_agrees_with_the_patterns() {
        let all: Vec<Region> = regions().collect();
        assert!(all.len() >= 40, "{}", all.len());
        assert_eq!(
            region("eu-west-1"),
            Some(Region { name: "eu-west-1", partition: "aws", zone_id_prefix: Some("euw1") })
        );
        // The AWS documentation's examples: use1-az1, usgw1 (GovCloud US-West), apne1.
        assert_eq!(region("us-east-1").and_then(|r| r.zone_id_prefix), Some("use1"));
        assert_eq!(region("us-gov-west-1").and_then(|r| r.zone_id_prefix), Some("usgw1"));
        assert_eq!(region("ap-northeast-1").and_then(|r| r.zone_id_prefix), Some("apne1"));
        assert_eq!(region("cn-north-1").map(|r| r.partition), Some("aws-cn"));
        for r in &all {
            // The table's partition is the one the name's pattern gives.
            let mut unknown = r.name.to_owned();
            unknown.push('9');
            assert_eq!(partition_of(&unknown), r.partition, "{}", r.name);
            if let Some(prefix) = r.zone_id_prefix {
                let number = r.name.rsplit('-').next().unwrap_or_default();
                assert!(prefix.starts_with(&r.name[..2]) && prefix.ends_with(number), "{}: {prefix}", r.name);
            }
        }
    }
}
