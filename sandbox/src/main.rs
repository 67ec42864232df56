use clap::Parser;

fn main() {
    let config = atlassian_sandbox::Config::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    let result = runtime.block_on(async move {
        let sandbox = atlassian_sandbox::Sandbox::new(config.with_self_signed_tls()?)?;
        tokio::select! {
            r = atlassian_sandbox::server::run(sandbox) => r,
            _ = tokio::signal::ctrl_c() => Ok(()),
        }
    });
    if let Err(e) = result {
        eprintln!("atlassian-sandbox: {e}");
        std::process::exit(1);
    }
}
