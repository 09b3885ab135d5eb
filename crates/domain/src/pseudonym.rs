//! Pseudonyms for the evaluator: stable per contract, keyed, not reversible without the key.

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::ids::{ContractId, PersonKey};

/// The secret behind pseudonyms. Kept out of `Debug` output.
#[derive(Clone)]
pub struct PseudonymKey(Vec<u8>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a pseudonym key needs at least 32 bytes")]
pub struct WeakPseudonymKey;

impl PseudonymKey {
    pub fn new(bytes: Vec<u8>) -> Result<Self, WeakPseudonymKey> {
        if bytes.len() < 32 {
            return Err(WeakPseudonymKey);
        }
        Ok(Self(bytes))
    }

    /// HMAC-SHA256 over the contract and the person's internal key (never the national id, so
    /// the pseudonym survives a change from D-nummer to fødselsnummer), 96 bits, URL-safe.
    pub fn pseudonym(&self, contract: ContractId, person: PersonKey) -> String {
        let mut mac = match Hmac::<Sha256>::new_from_slice(&self.0) {
            Ok(mac) => mac,
            // HMAC accepts keys of any length; this arm cannot be reached.
            Err(_) => return String::new(),
        };
        mac.update(
            format!(
                "effekt-pseudonym/v1/contract/{}/person/{}",
                contract.0, person.0
            )
            .as_bytes(),
        );
        let digest = mac.finalize().into_bytes();
        let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..12]);
        format!("P-{encoded}")
    }
}

impl PseudonymKey {
    /// A comparison person from the register pool, as the evaluator sees them: keyed per
    /// contract over the register's national id (a pool person has no person in effekt), read
    /// like a participant's pseudonym but starting `S-` (sammenligning), so the two never mix.
    pub fn pool_pseudonym(&self, contract: ContractId, national_id: &str) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            return String::new();
        };
        mac.update(format!("effekt-pool/v1/contract/{}/", contract.0).as_bytes());
        mac.update(national_id.as_bytes());
        let digest = mac.finalize().into_bytes();
        format!("S-{}", grouped(&crockford(&digest[..12]), 5))
    }

    /// An evidence id (a register spell, a language test) as the evaluator sees it: keyed per
    /// contract like the pseudonyms, so that it can no longer be looked up in a register
    /// extract, yet the same id gives the same text wherever it appears. 80 bits, readable.
    pub fn evidence_id(&self, contract: ContractId, id: &str) -> String {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            return String::new();
        };
        mac.update(format!("effekt-evidence/v1/contract/{}/", contract.0).as_bytes());
        mac.update(id.as_bytes());
        let digest = mac.finalize().into_bytes();
        format!("E-{}", grouped(&crockford(&digest[..10]), 4))
    }

    /// An evidence text (ids separated by spaces) with every register id pseudonymised; the
    /// snapshot's own name and month intervals (`2025-04/2025-11`) say nothing about a person
    /// and are kept.
    pub fn evidence(&self, contract: ContractId, evidence: &str, snapshot: &str) -> String {
        evidence
            .split(' ')
            .filter(|t| !t.is_empty())
            .map(|t| {
                if t == snapshot || is_period(t) {
                    t.to_owned()
                } else {
                    self.evidence_id(contract, t)
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// `2025-04` or `2025-04/2025-11`.
fn is_period(t: &str) -> bool {
    let month = |m: &str| {
        m.len() == 7
            && m.as_bytes().get(4) == Some(&b'-')
            && m.chars()
                .enumerate()
                .all(|(i, c)| i == 4 || c.is_ascii_digit())
    };
    match t.split_once('/') {
        Some((a, b)) => month(a) && month(b),
        None => month(t),
    }
}

/// Crockford's base 32: digits and capitals without I, L, O and U, which are easy to misread.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn crockford(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for b in bytes {
        buffer = (buffer << 8) | u32::from(*b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(CROCKFORD[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(
            CROCKFORD[((buffer << (5 - bits)) & 31) as usize],
        ));
    }
    out
}

fn grouped(text: &str, size: usize) -> String {
    text.as_bytes()
        .chunks(size)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// A pseudonym as people read it: its 96 bits in Crockford's base 32, in groups of five
/// (`P-7KQ4M-2XD9H-RT0VC-3NW8P`). Display only: what is stored and keyed stays as made. Text
/// that is not a pseudonym comes back unchanged.
pub fn readable(pseudonym: &str) -> String {
    let Some(encoded) = pseudonym.strip_prefix("P-") else {
        return pseudonym.to_owned();
    };
    match base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(encoded) {
        Ok(bytes) if bytes.len() == 12 => format!("P-{}", grouped(&crockford(&bytes), 5)),
        _ => pseudonym.to_owned(),
    }
}

impl std::fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PseudonymKey(<secret>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_per_contract_and_keyed() {
        let k1 = PseudonymKey::new(vec![7; 32]).unwrap();
        let k2 = PseudonymKey::new(vec![8; 32]).unwrap();
        let p = k1.pseudonym(ContractId(1), PersonKey(42));
        assert_eq!(p, k1.pseudonym(ContractId(1), PersonKey(42)));
        assert_ne!(p, k1.pseudonym(ContractId(2), PersonKey(42)));
        assert_ne!(p, k2.pseudonym(ContractId(1), PersonKey(42)));
        assert_ne!(p, k1.pseudonym(ContractId(1), PersonKey(43)));
        assert_eq!(p.len(), 18);
        assert!(!p.contains("42"));
    }

    #[test]
    fn readable_pseudonyms_use_no_ambiguous_letters_and_keep_every_bit() {
        let k = PseudonymKey::new(vec![7; 32]).unwrap();
        let mut seen = std::collections::HashSet::new();
        for person in 0..2000 {
            let p = k.pseudonym(ContractId(1), PersonKey(person));
            let r = readable(&p);
            assert_eq!(r.len(), 2 + 20 + 3, "{r}");
            assert!(
                r[2..]
                    .chars()
                    .all(|c| c == '-' || CROCKFORD.contains(&(c as u8))),
                "{r}"
            );
            assert!(!r[2..].contains(['I', 'L', 'O', 'U']), "{r}");
            assert!(seen.insert(r), "two pseudonyms read alike");
        }
        assert_eq!(readable("Kohort 2025"), "Kohort 2025");
        // 96 bits of zeros and of ones.
        assert_eq!(readable("P-AAAAAAAAAAAAAAAA"), "P-00000-00000-00000-00000");
        assert_eq!(readable("P-________________"), "P-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZG");
    }

    #[test]
    fn evidence_ids_are_keyed_per_contract_and_periods_and_the_snapshot_kept() {
        let k = PseudonymKey::new(vec![7; 32]).unwrap();
        let shown = k.evidence(ContractId(1), "emp-4711 snap-1 2024-02/2024-06", "snap-1");
        let parts: Vec<&str> = shown.split(' ').collect();
        assert_eq!(parts.len(), 3);
        assert!(
            parts[0].starts_with("E-") && !parts[0].contains("4711"),
            "{shown}"
        );
        assert_eq!(&parts[1..], ["snap-1", "2024-02/2024-06"]);
        assert_eq!(
            k.evidence_id(ContractId(1), "emp-4711"),
            parts[0],
            "the same id, the same text"
        );
        assert_ne!(k.evidence_id(ContractId(2), "emp-4711"), parts[0]);
    }

    #[test]
    fn short_keys_are_refused() {
        assert!(PseudonymKey::new(vec![1; 31]).is_err());
    }
}
