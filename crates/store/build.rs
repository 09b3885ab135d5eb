// New migration files are embedded by `sqlx::migrate!`; rebuild the crate when they change.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
