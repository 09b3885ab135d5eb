//! Work done once per input: judged outcomes and a contract's pricing, kept per contract under
//! the store generation they were worked out at. Every write of their inputs increases the
//! generation in its own transaction, so a server never serves figures older than the data,
//! even when several servers share one PostgreSQL. The generation is read before the inputs:
//! at worst a value is worked out again, never served stale.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use effekt_domain::ids::ContractId;

use crate::access::outcomes::Judged;
use crate::ledger::Pricing;

type Slot<T, G> = Arc<tokio::sync::Mutex<Option<(G, Arc<T>)>>>;

/// One value per key (a contract, unless said otherwise), kept under the generation `G` it was
/// worked out at. While one request works a value out, others for the same key wait for it
/// instead of doing the same work.
pub(crate) struct Slots<T, K = ContractId, G = u64> {
    slots: Mutex<HashMap<K, Slot<T, G>>>,
}

impl<T, K, G> Default for Slots<T, K, G> {
    fn default() -> Self {
        Self {
            slots: Mutex::new(HashMap::new()),
        }
    }
}

impl<T, K: Hash + Eq, G: PartialEq> Slots<T, K, G> {
    /// The value for `contract` at `generation`, worked out by `compute` unless kept already.
    pub(crate) async fn get_or_compute<E, F, Fut>(
        &self,
        contract: K,
        generation: G,
        compute: F,
    ) -> Result<Arc<T>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let slot = {
            let mut map = self.slots.lock().unwrap_or_else(|e| e.into_inner());
            map.entry(contract).or_default().clone()
        };
        let mut kept = slot.lock().await;
        if let Some((g, value)) = kept.as_ref() {
            if *g == generation {
                return Ok(value.clone());
            }
        }
        let value = Arc::new(compute().await?);
        *kept = Some((generation, value.clone()));
        Ok(value)
    }
}

#[derive(Default)]
pub(crate) struct Cache {
    pub(crate) pricing: Slots<Pricing>,
    pub(crate) judged: Slots<Judged>,
    pub(crate) generalised: Slots<crate::access::pseudonymised::Generalised>,
    /// What the homes' tasks are worked out from, for all contracts at once.
    pub(crate) workflow: Slots<crate::access::home::Workflow, (), effekt_store::model::Generations>,
    /// Attendance per group of a contract, under the newest attendance mark's key.
    pub(crate) attendance: Slots<Vec<effekt_store::groups::GroupAttendance>, ContractId, i64>,
    /// The homes' figures per kind of viewer (role, organisation, sight).
    pub(crate) figures:
        Slots<Vec<crate::views::KeyFigures>, String, effekt_store::model::Generations>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_value_is_worked_out_once_per_generation() {
        let slots: Slots<u32> = Slots::default();
        let runs = std::sync::atomic::AtomicU32::new(0);
        let compute =
            || async { Ok::<u32, ()>(runs.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1) };
        let c = ContractId(1);
        assert_eq!(*slots.get_or_compute(c, 7, compute).await.unwrap(), 1);
        assert_eq!(*slots.get_or_compute(c, 7, compute).await.unwrap(), 1);
        // A write moved the generation: worked out again.
        assert_eq!(*slots.get_or_compute(c, 8, compute).await.unwrap(), 2);
        // Another contract has its own value.
        assert_eq!(
            *slots
                .get_or_compute(ContractId(2), 8, compute)
                .await
                .unwrap(),
            3
        );
        // A failure is not kept.
        let failed = slots
            .get_or_compute(ContractId(3), 8, || async {
                Err::<u32, &str>("no snapshot")
            })
            .await;
        assert_eq!(failed.err(), Some("no snapshot"));
        assert_eq!(
            *slots
                .get_or_compute(ContractId(3), 8, compute)
                .await
                .unwrap(),
            4
        );
    }
}
