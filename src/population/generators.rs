//! Random graph generators (to be written).
