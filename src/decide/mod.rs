//! Decisions: fitting, and later sweeps, sensitivity, optimisation.
//!
//! This stage computes and writes nothing: [`sales`] reads a per-period sales series
//! from CSV, [`bass_fit`] fits the Bass (1969) model to it (pure, `std` only), and
//! [`calibrate`] ties the two together for `wom fit --bass`. The files a fit
//! produces are written by [`crate::results::fit`].

pub mod abc;
pub mod bass_fit;
pub mod breakeven;
pub mod calibrate;
pub mod evaluate;
pub mod network_fit;
pub mod observations;
pub mod optimize;
pub mod sales;
pub mod sensitivity;
pub mod sobol;
mod special;
pub mod sweep;
pub mod uncertain;
