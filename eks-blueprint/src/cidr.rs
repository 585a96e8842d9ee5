//! IPv4 CIDR blocks: parsing, containment, overlap and subnet allocation.

use std::fmt;
use std::net::Ipv4Addr;
use std::str::FromStr;

/// An IPv4 CIDR block whose host bits are zero, e.g. `10.0.0.0/16`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ipv4Cidr {
    base: u32,
    prefix: u8,
}

impl Ipv4Cidr {
    /// The block with the given base address and prefix length; `None` when host bits are set
    /// or the prefix is above 32.
    pub fn new(base: Ipv4Addr, prefix: u8) -> Option<Self> {
        let base = u32::from(base);
        (prefix <= 32 && base & !mask(prefix) == 0).then_some(Ipv4Cidr { base, prefix })
    }

    /// The prefix length.
    pub fn prefix(self) -> u8 {
        self.prefix
    }

    /// The address `offset` places after the base, when it lies in the block (`.10` of a
    /// service CIDR is the cluster DNS address).
    pub fn address(self, offset: u32) -> Option<Ipv4Addr> {
        (u64::from(offset) < self.size()).then(|| Ipv4Addr::from(self.base + offset))
    }

    /// The number of addresses.
    pub fn size(self) -> u64 {
        1u64 << (32 - u32::from(self.prefix))
    }

    fn end(self) -> u64 {
        u64::from(self.base) + self.size()
    }

    /// Whether `other` lies entirely inside this block.
    pub fn contains(self, other: Ipv4Cidr) -> bool {
        other.prefix >= self.prefix && u64::from(other.base) >= u64::from(self.base) && other.end() <= self.end()
    }

    /// Whether the two blocks share an address.
    pub fn overlaps(self, other: Ipv4Cidr) -> bool {
        u64::from(self.base) < other.end() && u64::from(other.base) < self.end()
    }
}

fn mask(prefix: u8) -> u32 {
    if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(prefix))
    }
}

impl fmt::Display for Ipv4Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", Ipv4Addr::from(self.base), self.prefix)
    }
}

impl FromStr for Ipv4Cidr {
    type Err = String;

    /// Parses `a.b.c.d/n`; the message says what is wrong and suggests the fix.
    fn from_str(s: &str) -> Result<Self, String> {
        let (addr, prefix) = s.split_once('/').ok_or_else(|| {
            format!("`{s}` is not a CIDR block: expected an IPv4 address and a prefix length, like 10.0.0.0/16")
        })?;
        let addr: Ipv4Addr =
            addr.parse().map_err(|_| format!("`{s}` is not a CIDR block: `{addr}` is not an IPv4 address"))?;
        let prefix: u8 = prefix.parse().ok().filter(|p| *p <= 32).ok_or_else(|| {
            format!("`{s}` is not a CIDR block: the prefix length `{prefix}` is not a number from 0 to 32")
        })?;
        let base = u32::from(addr) & mask(prefix);
        if base != u32::from(addr) {
            return Err(format!(
                "`{s}` has host bits set: the block starting at that address is {}/{prefix}",
                Ipv4Addr::from(base)
            ));
        }
        Ok(Ipv4Cidr { base, prefix })
    }
}

/// Allocates aligned blocks of the given prefix lengths, in order, from `within`, skipping
/// the blocks in `taken`. `None` when they do not fit.
pub fn allocate(within: Ipv4Cidr, prefixes: &[u8], taken: &[Ipv4Cidr]) -> Option<Vec<Ipv4Cidr>> {
    let mut used: Vec<Ipv4Cidr> = taken.to_vec();
    let mut out = Vec::with_capacity(prefixes.len());
    for &prefix in prefixes {
        if prefix < within.prefix || prefix > 32 {
            return None;
        }
        let step = 1u64 << (32 - u32::from(prefix));
        let mut candidate = u64::from(within.base);
        let found = loop {
            if candidate + step > within.end() {
                break None;
            }
            let block = Ipv4Cidr { base: u32::try_from(candidate).ok()?, prefix };
            match used.iter().find(|u| u.overlaps(block)) {
                None => break Some(block),
                // Jump past the block in the way, to the next aligned start.
                Some(u) => candidate = u.end().div_ceil(step) * step,
            }
        };
        let block = found?;
        used.push(block);
        out.push(block);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Ipv4Cidr {
        s.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn parses_and_rejects_with_reasons() {
        assert_eq!(c("10.0.0.0/16").to_string(), "10.0.0.0/16");
        assert!(Ipv4Cidr::from_str("10.0.0.0").is_err_and(|e| e.contains("prefix length")));
        assert!(Ipv4Cidr::from_str("10.0.300.0/16").is_err_and(|e| e.contains("not an IPv4 address")));
        assert!(Ipv4Cidr::from_str("10.0.0.0/33").is_err_and(|e| e.contains("0 to 32")));
        assert!(Ipv4Cidr::from_str("10.0.1.0/16").is_err_and(|e| e.contains("10.0.0.0/16")));
    }

    #[test]
    fn addresses_inside_the_block() {
        assert_eq!(c("10.100.64.0/18").address(10), Some(Ipv4Addr::new(10, 100, 64, 10)));
        assert_eq!(c("172.20.0.0/16").address(10), Some(Ipv4Addr::new(172, 20, 0, 10)));
        assert_eq!(c("10.0.0.0/29").address(10), None);
    }

    #[test]
    fn containment_and_overlap() {
        assert!(c("10.0.0.0/16").contains(c("10.0.32.0/19")));
        assert!(!c("10.0.0.0/16").contains(c("10.1.0.0/24")));
        assert!(c("10.0.0.0/19").overlaps(c("10.0.31.0/24")));
        assert!(!c("10.0.0.0/19").overlaps(c("10.0.32.0/24")));
    }

    #[test]
    fn allocation_is_aligned_and_skips_taken_blocks() {
        let got = allocate(c("10.0.0.0/16"), &[19, 19, 19, 24, 24, 24], &[]).unwrap_or_default();
        let got: Vec<String> = got.iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19", "10.0.96.0/24", "10.0.97.0/24", "10.0.98.0/24"]
        );
        let around = allocate(c("10.0.0.0/16"), &[24], &[c("10.0.0.0/24")]).unwrap_or_default();
        assert_eq!(around, vec![c("10.0.1.0/24")]);
        assert_eq!(allocate(c("10.0.0.0/24"), &[25, 25, 25], &[]), None);
    }
}
