//! End-to-end sync speed from a local fake server (written with the Mastodon connector).

fn main() {}
