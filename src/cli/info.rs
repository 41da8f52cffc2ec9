//! `devices` and `adapter`: what GPU adapters wgpu finds, and what a LoRA adapter's files say.

use anyhow::Result;

use super::args::{AdapterArgs, OutputFormat};
use crate::fields::{BackendChoice, FieldEngine};

pub(super) fn adapter_command(args: &AdapterArgs) -> Result<()> {
    let info = crate::adapters::read_adapter(&args.path)?;
    if args.format == OutputFormat::Json {
        println!("{}", serde_json::to_string_pretty(&info)?);
        return Ok(());
    }
    println!("{}", info.path.display());
    fn line<T: std::fmt::Debug>(name: &str, v: &Option<crate::adapters::Sourced<T>>) {
        match v {
            Some(s) => println!("  {name:<16} {:?}   ({})", s.value, s.source),
            None => println!("  {name:<16} unknown"),
        }
    }
    line("type", &info.peft_type);
    line("base model", &info.base_model);
    line("rank", &info.rank);
    line("alpha", &info.alpha);
    line("scaling", &info.scaling);
    line("target modules", &info.target_modules);
    line("trigger phrases", &info.trigger_phrases);
    let t = &info.training;
    if !t.is_empty() {
        println!("  training (kohya / modelspec metadata)");
        line("network module", &t.network_module);
        line("base version", &t.base_model_version);
        line("resolution", &t.resolution);
        line("epochs", &t.epochs);
        line("steps", &t.steps);
        line("learning rate", &t.learning_rate);
        line("U-Net lr", &t.unet_lr);
        line("text enc. lr", &t.text_encoder_lr);
        line("optimizer", &t.optimizer);
        line("created", &t.created);
        match &t.top_tags {
            Some(tags) => {
                println!("  {:<16} ({})", "top tags", tags.source);
                let most = tags.value.first().map_or(1, |t| t.count.max(1));
                for tag in &tags.value {
                    let bar =
                        "█".repeat((tag.count.saturating_mul(20).div_ceil(most)).min(20) as usize);
                    println!("    {:<20} {:>6} {bar}", tag.tag, tag.count);
                }
            }
            None => println!("  {:<16} unknown", "top tags"),
        }
    }
    println!(
        "  {:<16} {} ({} bytes), dtypes {:?}",
        "tensors", info.tensor_count, info.tensor_bytes, info.dtypes
    );
    if !info.metadata.is_empty() {
        println!(
            "  metadata keys    {}",
            info.metadata.keys().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    Ok(())
}

pub(super) fn devices_command() -> Result<()> {
    let adapters = crate::gpu::list_adapters();
    if adapters.is_empty() {
        println!(
            "no GPU adapters found: fields are computed on the CPU, and rendering is unavailable"
        );
        println!(
            "(on a machine without a GPU, install Mesa's lavapipe: apt-get install mesa-vulkan-drivers)"
        );
    }
    for info in &adapters {
        println!(
            "{} — {:?}, {:?}, driver {} {}",
            info.name, info.device_type, info.backend, info.driver, info.driver_info
        );
    }
    let engine = FieldEngine::new(BackendChoice::Auto);
    println!("fields with --backend auto: {}", engine.device_name());
    if let Some(notice) = &engine.notice {
        println!("({notice})");
    }
    Ok(())
}
