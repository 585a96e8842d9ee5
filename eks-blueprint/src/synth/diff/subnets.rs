//! Subnets created with a CIDR that overlaps one still in place until the update's cleanup.

use super::*;

/// A subnet created with a CIDR that overlaps one of a subnet that stays until the update's
/// cleanup (one replaced or removed, in the same VPC): EC2 refuses to create it
/// (`InvalidSubnet.Conflict`), since CloudFormation deletes old resources only after
/// creating new ones.
pub(super) fn subnet_overlaps(
    old_resources: &Map<String, Value>,
    new_resources: &Map<String, Value>,
    changes: &mut IndexMap<String, ResourceChange>,
) {
    const SUBNET: &str = "AWS::EC2::Subnet";
    let cidr = |r: &Value| r.pointer("/Properties/CidrBlock").and_then(Value::as_str).and_then(parse_cidr);
    let vpc = |r: &Value| r.pointer("/Properties/VpcId").cloned();
    // Old subnets still there while new ones are created: replaced or removed.
    let lingering: Vec<(&String, &Value)> = old_resources
        .iter()
        .filter(|(_, r)| type_of(r) == SUBNET)
        .filter(|(id, _)| {
            changes.get(*id).is_some_and(|c| c.replacement != Replacement::None || c.action == Action::Remove)
        })
        .collect();
    for (id, change) in changes.iter_mut() {
        let Some(new_r) = new_resources.get(id) else { continue };
        let created = change.action == Action::Add || change.replacement != Replacement::None;
        if type_of(new_r) != SUBNET || !created {
            continue;
        }
        let Some(new_cidr) = cidr(new_r) else { continue };
        for (old_id, old_r) in &lingering {
            let Some(old_cidr) = cidr(old_r) else { continue };
            if vpc(old_r) != vpc(new_r) || !overlaps(new_cidr, old_cidr) {
                continue;
            }
            let whose = if *old_id == id { "the subnet it replaces".to_owned() } else { format!("`{old_id}`") };
            change.blockers.push(format!(
                "its CIDR {} overlaps {} of {whose}, which CloudFormation deletes only after creating the new subnet: EC2 refuses the overlap (InvalidSubnet.Conflict); move to a free range first, or remove the subnet in one deploy and add it in the next",
                show_cidr(new_cidr),
                show_cidr(old_cidr)
            ));
        }
    }
}

pub(super) fn parse_cidr(s: &str) -> Option<(u32, u8)> {
    let (addr, len) = s.split_once('/')?;
    let len: u8 = len.parse().ok().filter(|l| *l <= 32)?;
    let addr: std::net::Ipv4Addr = addr.parse().ok()?;
    Some((u32::from(addr), len))
}

pub(super) fn overlaps(a: (u32, u8), b: (u32, u8)) -> bool {
    let len = a.1.min(b.1);
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    a.0 & mask == b.0 & mask
}

pub(super) fn show_cidr((addr, len): (u32, u8)) -> String {
    format!("{}/{len}", std::net::Ipv4Addr::from(addr))
}
