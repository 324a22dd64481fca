//! `hearth sync`, `accounts`, `doctor`, `reply` (being written).

use super::args::{AccountsArgs, ReplyArgs, SyncArgs};
use super::{Env, Failure};
use std::process::ExitCode;

pub fn sync(_env: &Env, _args: &SyncArgs) -> anyhow::Result<ExitCode> {
    Err(Failure::bad_input("hearth sync is not available yet"))
}

pub fn accounts(_env: &Env, _args: &AccountsArgs) -> anyhow::Result<ExitCode> {
    Err(Failure::bad_input("hearth accounts is not available yet"))
}

pub fn doctor(_env: &Env) -> anyhow::Result<ExitCode> {
    Err(Failure::bad_input("hearth doctor is not available yet"))
}

pub fn reply(_env: &Env, _args: &ReplyArgs) -> anyhow::Result<ExitCode> {
    Err(Failure::bad_input("hearth reply is not available yet"))
}
