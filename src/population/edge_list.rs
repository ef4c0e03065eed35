//! Edge list reader (placeholder until the reader lands from its branch).
use super::csr::{Cleaning, Csr};
use crate::error::{Diagnostic, WomError};
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EdgeListOptions {
    pub directed: bool,
    pub weighted: bool,
}
#[derive(Debug, Clone, PartialEq)]
pub enum Labels {
    Integers(Vec<u64>),
    Strings(Vec<String>),
}
pub struct EdgeList {
    pub csr: Csr,
    pub labels: Labels,
    pub cleaning: Cleaning,
    pub lines: u64,
    pub edges_read: u64,
}
pub fn read_edge_list(path: &Path, _options: EdgeListOptions) -> Result<EdgeList, WomError> {
    Err(WomError::input(Diagnostic::new("not yet").file(path)))
}
