//! Edge list reader (to be written).
