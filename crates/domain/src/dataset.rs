//! A whole world of reference data and participants, as inserted in one go (demo data, load
//! tests). Keys are assigned by whoever builds the dataset and must be consistent within it.

use serde::{Deserialize, Serialize};

use crate::ids::{ContractId, NavOfficeId};
use crate::organisation::{
    Commitment, ConsortiumMember, Contract, Group, Household, HouseholdMembership, Investor,
    NavOffice, Provider,
};
use crate::participant::Participant;
use crate::person::Person;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dataset {
    pub nav_offices: Vec<NavOffice>,
    pub providers: Vec<Provider>,
    pub investors: Vec<Investor>,
    pub contracts: Vec<Contract>,
    pub contract_offices: Vec<(ContractId, NavOfficeId)>,
    pub consortium: Vec<ConsortiumMember>,
    pub commitments: Vec<Commitment>,
    pub groups: Vec<Group>,
    pub persons: Vec<Person>,
    pub households: Vec<Household>,
    pub memberships: Vec<HouseholdMembership>,
    pub participants: Vec<Participant>,
}
