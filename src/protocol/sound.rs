//! Step 5, sound: a short synthesised tone that traces the outline.
//!
//! The rule: the outline is traced at constant speed over [`DURATION_S`]. The pitch glides
//! with the outline's |curvature| where the trace is (straight runs sit at 220 Hz; tighter
//! curves rise, up to two octaves); every corner strikes a pluck, so the rhythm is the
//! corners' spacing along the outline. Tension follows the glyph's mean density: a second
//! voice detuned from unison (density 0) to a tritone (density 1) and a tremolo that
//! quickens with it.

use std::f64::consts::TAU;
use std::path::Path;

use serde::Serialize;

use crate::fields::Fields;
use crate::output::{self, OutputError};

pub const SAMPLE_RATE: u32 = 22_050;
/// Length of the sound, seconds.
pub const DURATION_S: f64 = 3.0;
const BASE_HZ: f64 = 220.0;

/// A synthesised sound and what shaped it.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Sound {
    pub sample_rate: u32,
    pub duration_s: f64,
    /// Times of the plucks (one per outline corner), seconds.
    pub onsets_s: Vec<f64>,
    /// Detune of the second voice, semitones (0–6).
    pub tension_semitones: f64,
    /// Lowest and highest pitch of the glide, Hz.
    pub pitch_range_hz: [f64; 2],
    /// Mono 16-bit samples.
    #[serde(skip)]
    pub samples: Vec<i16>,
}

impl Sound {
    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// Writes the sound as a 16-bit mono WAV file, atomically.
    pub fn write_wav(&self, path: &Path) -> Result<(), OutputError> {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: self.sample_rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let encode = |e: hound::Error| OutputError::Encode {
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        output::write_atomic(path, |file| {
            let mut w =
                hound::WavWriter::new(std::io::BufWriter::new(file), spec).map_err(encode)?;
            for &s in &self.samples {
                w.write_sample(s).map_err(encode)?;
            }
            w.finalize().map_err(encode)
        })
    }
}

/// Synthesises the sound of a glyph's fields (see the module docs).
pub fn synthesise(fields: &Fields) -> Sound {
    let samples = &fields.outline;
    if samples.len() < 2 {
        return Sound::default();
    }
    // Arc length at each sample along the loops, one after another.
    let mut arc = Vec::with_capacity(samples.len());
    let mut total = 0.0;
    for i in 0..samples.len() {
        arc.push(total);
        let j = i + 1;
        if j < samples.len() && samples[j].loop_index == samples[i].loop_index {
            total += (samples[j].at - samples[i].at).length();
        }
    }
    if total <= 0.0 {
        return Sound::default();
    }
    // |curvature| smoothed over five samples, as semitones above the base.
    let semis: Vec<f64> = (0..samples.len())
        .map(|i| {
            let lo = i.saturating_sub(2);
            let hi = (i + 3).min(samples.len());
            let k = samples[lo..hi]
                .iter()
                .map(|s| s.curvature.abs())
                .sum::<f64>()
                / (hi - lo) as f64;
            (12.0 * (1.0 + 0.25 * k).log2()).min(24.0)
        })
        .collect();
    let onsets_s: Vec<f64> = samples
        .iter()
        .zip(&arc)
        .filter(|(s, _)| s.corner)
        .map(|(_, &a)| a / total * DURATION_S)
        .collect();
    let density = fields.descriptor.mean_density.clamp(0.0, 1.0);
    let tension = 6.0 * density;
    let tremolo_hz = 2.0 + 8.0 * density;

    let n = (DURATION_S * SAMPLE_RATE as f64) as usize;
    let mut out = vec![0.0f64; n];
    let (mut phase1, mut phase2) = (0.0f64, 0.0f64);
    let mut cursor = 0;
    let (mut lo_hz, mut hi_hz) = (f64::INFINITY, 0.0f64);
    let mut next_onset = 0;
    let mut pluck_age = f64::INFINITY;
    for (i, y) in out.iter_mut().enumerate() {
        let t = i as f64 / SAMPLE_RATE as f64;
        let s = t / DURATION_S * total;
        while cursor + 1 < arc.len() && arc[cursor + 1] <= s {
            cursor += 1;
        }
        let hz = BASE_HZ * 2f64.powf(semis[cursor] / 12.0);
        lo_hz = lo_hz.min(hz);
        hi_hz = hi_hz.max(hz);
        phase1 = (phase1 + hz / SAMPLE_RATE as f64).fract();
        phase2 = (phase2 + hz * 2f64.powf(tension / 12.0) / SAMPLE_RATE as f64).fract();
        if next_onset < onsets_s.len() && t >= onsets_s[next_onset] {
            pluck_age = 0.0;
            next_onset += 1;
        }
        let pluck = if pluck_age.is_finite() {
            (-pluck_age / 0.08).exp()
        } else {
            0.0
        };
        pluck_age += 1.0 / SAMPLE_RATE as f64;
        let tremolo = 1.0 - 0.3 * density * (0.5 + 0.5 * (TAU * tremolo_hz * t).sin());
        let tone = (TAU * phase1).sin() + 0.6 * (TAU * phase2).sin();
        let bright = (2.0 * TAU * phase1).sin();
        *y = tremolo * (0.25 * tone + 0.5 * pluck * bright);
    }
    // 20 ms fades, then normalise to 80% of full scale.
    let fade = (0.02 * SAMPLE_RATE as f64) as usize;
    for i in 0..fade.min(n / 2) {
        let g = i as f64 / fade as f64;
        out[i] *= g;
        out[n - 1 - i] *= g;
    }
    let peak = out.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(1e-9);
    let samples = out
        .iter()
        .map(|v| (v / peak * 0.8 * i16::MAX as f64).round() as i16)
        .collect();
    Sound {
        sample_rate: SAMPLE_RATE,
        duration_s: DURATION_S,
        onsets_s,
        tension_semitones: tension,
        pitch_range_hz: [lo_hz, hi_hz],
        samples,
    }
}
