//! `hearth import` (being written).

use super::args::ImportArgs;
use super::{Env, Failure};
use std::process::ExitCode;

pub fn import(_env: &Env, _args: &ImportArgs) -> anyhow::Result<ExitCode> {
    Err(Failure::bad_input("hearth import is not available yet"))
}
