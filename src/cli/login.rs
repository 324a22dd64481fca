//! `hearth login` (being written).

use super::args::LoginArgs;
use super::{Env, Failure};
use std::process::ExitCode;

pub fn login(_env: &Env, _args: &LoginArgs) -> anyhow::Result<ExitCode> {
    Err(Failure::bad_input("hearth login is not available yet"))
}
