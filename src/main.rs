fn main() -> anyhow::Result<()> {
    print!("{}", depthsep::tables::constructions(1..=12)?);
    Ok(())
}
