//! What kohya's trainer (sd-scripts) and the modelspec convention write into a safetensors
//! header's `__metadata__`: the network module, the base model, how it was trained, the
//! dataset's tags and when. Every value keeps the key it was read from; a key that is absent
//! or unreadable leaves the value unknown rather than guessed.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Sourced;

/// How a kohya-trained adapter was made, as its metadata says.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Training {
    /// `LoRA`, `LoCon`, `LoHa`, `LoKr`, `DyLoRA`, … from `ss_network_module` (and, for
    /// LyCORIS, the `algo` of `ss_network_args`).
    pub network_module: Option<Sourced<String>>,
    /// `sd_v1`, `sdxl_base_v1-0`, … (`ss_base_model_version`, else `modelspec.architecture`).
    pub base_model_version: Option<Sourced<String>>,
    /// Training resolution, as written (`(512, 512)`, `1024x1024`).
    pub resolution: Option<Sourced<String>>,
    pub epochs: Option<Sourced<u64>>,
    pub steps: Option<Sourced<u64>>,
    pub learning_rate: Option<Sourced<f64>>,
    pub unet_lr: Option<Sourced<f64>>,
    pub text_encoder_lr: Option<Sourced<f64>>,
    pub optimizer: Option<Sourced<String>>,
    /// The dataset's most frequent tags with their counts, summed over its folders.
    pub top_tags: Option<Sourced<Vec<TagCount>>>,
    /// When training started, as UTC `YYYY-MM-DD hh:mm:ss UTC`; else `modelspec.date` as the
    /// file writes it.
    pub created: Option<Sourced<String>>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TagCount {
    pub tag: String,
    pub count: u64,
}

/// How many tags [`Training::top_tags`] keeps.
pub const TOP_TAGS: usize = 10;

impl Training {
    /// Whether the metadata said anything this struct holds.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

fn key(k: &str) -> String {
    format!("__metadata__.{k}")
}

/// Reads what `metadata` says of training.
pub fn training(metadata: &BTreeMap<String, String>) -> Training {
    // kohya writes "None" for values that were not set.
    let get = |k: &str| {
        metadata
            .get(k)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty() && *v != "None")
    };
    let text = |k: &str| get(k).map(|v| Sourced::new(v.to_string(), key(k)));
    let number = |k: &str| {
        get(k)
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|v| v.is_finite())
            .map(|v| Sourced::new(v, key(k)))
    };
    let count = |k: &str| {
        get(k)
            .and_then(|v| v.parse::<u64>().ok())
            .map(|v| Sourced::new(v, key(k)))
    };
    Training {
        network_module: network_module(metadata),
        base_model_version: text("ss_base_model_version")
            .or_else(|| text("modelspec.architecture")),
        resolution: text("ss_resolution").or_else(|| text("modelspec.resolution")),
        epochs: count("ss_num_epochs").or_else(|| count("ss_epoch")),
        steps: count("ss_steps").or_else(|| count("ss_max_train_steps")),
        learning_rate: number("ss_learning_rate"),
        unet_lr: number("ss_unet_lr"),
        text_encoder_lr: number("ss_text_encoder_lr"),
        optimizer: text("ss_optimizer"),
        top_tags: top_tags(metadata),
        created: created(metadata),
    }
}

/// The kind of network: kohya's module path names it, and LyCORIS's one module carries its
/// algorithm in the network arguments.
fn network_module(metadata: &BTreeMap<String, String>) -> Option<Sourced<String>> {
    let module = metadata.get("ss_network_module")?.trim();
    if module.is_empty() || module == "None" {
        return None;
    }
    let source = key("ss_network_module");
    let known = match module {
        "networks.lora" | "networks.lora_fa" => Some("LoRA"),
        "networks.dylora" => Some("DyLoRA"),
        "networks.oft" => Some("OFT"),
        "networks.lora_flux" => Some("LoRA (Flux)"),
        "networks.lora_sd3" => Some("LoRA (SD3)"),
        "lycoris.kohya" => None,
        _ => return Some(Sourced::new(module.to_string(), source)),
    };
    if let Some(name) = known {
        return Some(Sourced::new(
            name.to_string(),
            format!("{source} = {module}"),
        ));
    }
    // LyCORIS: `ss_network_args` is a JSON object with "algo".
    let algo = metadata
        .get("ss_network_args")
        .and_then(|args| serde_json::from_str::<serde_json::Value>(args).ok())
        .and_then(|args| args.get("algo")?.as_str().map(str::to_lowercase));
    let Some(algo) = algo else {
        return Some(Sourced::new(
            "LyCORIS (algorithm not given)".to_string(),
            format!("{source} = {module}"),
        ));
    };
    let name = match algo.as_str() {
        "lora" | "locon" => "LoCon".to_string(),
        "loha" => "LoHa".to_string(),
        "lokr" => "LoKr".to_string(),
        "ia3" => "(IA)³".to_string(),
        "dylora" => "DyLoRA".to_string(),
        "glora" => "GLoRA".to_string(),
        "full" => "full fine-tune (LyCORIS)".to_string(),
        other => format!("LyCORIS {other}"),
    };
    Some(Sourced::new(
        name,
        format!("{source} = {module}, __metadata__.ss_network_args.algo = {algo}"),
    ))
}

/// `ss_tag_frequency`: `{folder: {tag: count}}`, summed over folders, most frequent first
/// (ties by name).
pub(super) fn tag_counts(metadata: &BTreeMap<String, String>) -> Option<Vec<TagCount>> {
    let frequency: serde_json::Value =
        serde_json::from_str(metadata.get("ss_tag_frequency")?).ok()?;
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for tags in frequency.as_object()?.values() {
        for (tag, n) in tags.as_object()? {
            let tag = tag.trim();
            if !tag.is_empty() {
                let count = counts.entry(tag.to_string()).or_default();
                *count = count.saturating_add(n.as_u64().unwrap_or(0));
            }
        }
    }
    let mut ranked: Vec<TagCount> = counts
        .into_iter()
        .map(|(tag, count)| TagCount { tag, count })
        .collect();
    ranked.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.tag.cmp(&b.tag)));
    (!ranked.is_empty()).then_some(ranked)
}

fn top_tags(metadata: &BTreeMap<String, String>) -> Option<Sourced<Vec<TagCount>>> {
    let mut ranked = tag_counts(metadata)?;
    let total = ranked.len();
    ranked.truncate(TOP_TAGS);
    Some(Sourced::new(
        ranked,
        format!(
            "{} ({total} tags, summed over folders)",
            key("ss_tag_frequency")
        ),
    ))
}

/// `ss_training_started_at` (Unix seconds, as kohya writes it), else `modelspec.date`.
fn created(metadata: &BTreeMap<String, String>) -> Option<Sourced<String>> {
    if let Some(seconds) = metadata
        .get("ss_training_started_at")
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0 && *s < 253_402_300_800.0)
    {
        return Some(Sourced::new(
            utc(seconds as i64),
            key("ss_training_started_at"),
        ));
    }
    let date = metadata.get("modelspec.date")?.trim();
    (!date.is_empty()).then(|| Sourced::new(date.to_string(), key("modelspec.date")))
}

/// Unix seconds as a UTC date and time (the proleptic Gregorian calendar; Howard Hinnant's
/// `civil_from_days`).
pub fn utc(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let rest = seconds.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_seconds_become_the_calendar_date() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        // `date -u -d @1700000000`
        assert_eq!(utc(1_700_000_000), "2023-11-14 22:13:20 UTC");
        // A leap day.
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc(-1), "1969-12-31 23:59:59 UTC");
    }

    #[test]
    fn top_tags_keep_the_ten_most_frequent_and_say_how_many_there_were() {
        let tags: serde_json::Map<String, serde_json::Value> = (0..12)
            .map(|i| (format!("tag{i:02}"), serde_json::Value::from(100 - i)))
            .collect();
        let frequency = serde_json::json!({ "1_a": tags, "2_b": { "tag11": u64::MAX } });
        let meta: BTreeMap<String, String> =
            [("ss_tag_frequency".to_string(), frequency.to_string())].into();
        let top = training(&meta).top_tags.expect("tags");
        assert_eq!(top.value.len(), TOP_TAGS);
        // A count past u64 saturates instead of overflowing.
        assert_eq!(top.value[0].tag, "tag11");
        assert_eq!(top.value[0].count, u64::MAX);
        assert_eq!(top.value[1].tag, "tag00");
        assert!(top.source.contains("12 tags"), "{}", top.source);
    }

    #[test]
    fn lycoris_names_its_algorithm_and_none_is_unknown() {
        let meta: BTreeMap<String, String> = [
            ("ss_network_module", "lycoris.kohya"),
            ("ss_network_args", r#"{"algo": "loha", "conv_dim": "4"}"#),
            ("ss_text_encoder_lr", "None"),
            ("ss_unet_lr", "0.0001"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let t = training(&meta);
        assert_eq!(
            t.network_module.as_ref().map(|m| m.value.as_str()),
            Some("LoHa")
        );
        assert!(t.network_module.unwrap().source.contains("algo = loha"));
        assert_eq!(t.text_encoder_lr, None);
        assert_eq!(t.unet_lr.map(|v| v.value), Some(1e-4));
        assert!(training(&BTreeMap::new()).is_empty());
    }
}
