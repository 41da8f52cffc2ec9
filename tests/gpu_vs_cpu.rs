//! Every GPU pass against its CPU twin, on real glyphs at two resolutions.
//!
//! Tolerances (both backends run the same f32 arithmetic; the GPU may fuse or reorder it):
//! - distance: 1e-5 em everywhere (0.002 px at 256²); the sign may differ only where
//!   |d| < 1e-5 em, i.e. on the outline itself;
//! - curvature: 1e-3 of the curvature limit (one over a pixel) plus 1e-3 relative;
//! - density: 1e-4; voids: 1e-5 em;
//! - component labels and region keys: identical on every pixel.

mod common;

use hologlyph::fields::{FieldOptions, Prepared, cpu};
use hologlyph::glyph::{FontSet, Outline, samples::COMPARISON_GLYPHS};

const SIZES: [u32; 2] = [96, 256];
const SDF_TOLERANCE: f32 = 1e-5;

#[test]
fn gpu_fields_match_the_cpu_twins_on_real_glyphs() {
    let fonts = FontSet::bundled();
    let gpu = common::gpu();
    for &c in COMPARISON_GLYPHS {
        let outline = fonts
            .outline(c)
            .expect("bundled fonts cover the comparison glyphs");
        for size in SIZES {
            let prep =
                Prepared::new(&outline, &FieldOptions::DEFAULT.with_size(size)).expect("prepares");
            let want = cpu::compute(&prep);
            let got = gpu.compute(&prep).expect("GPU computes");
            let what = format!("{c} at {size}²");

            let sdf_diff = common::max_abs_diff(&got.sdf, &want.sdf);
            assert!(
                sdf_diff <= SDF_TOLERANCE,
                "{what}: distance differs by {sdf_diff} em"
            );
            let sign_flips = got
                .sdf
                .iter()
                .zip(want.sdf.iter())
                .filter(|(g, w)| (**g < 0.0) != (**w < 0.0) && w.abs() >= SDF_TOLERANCE)
                .count();
            assert_eq!(
                sign_flips, 0,
                "{what}: inside/outside differs away from the outline"
            );

            let limit = prep.params.curvature_limit;
            for (g, w) in got.curvature.iter().zip(want.curvature.iter()) {
                assert!(
                    (g - w).abs() <= 1e-3 * limit + 1e-3 * w.abs(),
                    "{what}: curvature {g} on the GPU, {w} on the CPU (limit {limit})"
                );
            }
            let density_diff = common::max_abs_diff(&got.density, &want.density);
            assert!(
                density_diff <= 1e-4,
                "{what}: density differs by {density_diff}"
            );
            let voids_diff = common::max_abs_diff(&got.voids, &want.voids);
            assert!(
                voids_diff <= 1e-5,
                "{what}: voids differ by {voids_diff} em"
            );

            let label_mismatch = got
                .labels
                .iter()
                .zip(want.labels.iter())
                .filter(|(g, w)| g != w)
                .count();
            assert_eq!(
                label_mismatch, 0,
                "{what}: component labels differ on {label_mismatch} pixels"
            );
            let key_mismatch = got
                .region_keys
                .iter()
                .zip(want.region_keys.iter())
                .filter(|(g, w)| g != w)
                .count();
            assert_eq!(
                key_mismatch, 0,
                "{what}: region keys differ on {key_mismatch} pixels"
            );
        }
    }
}

#[test]
fn gpu_and_cpu_agree_on_descriptors_and_regions() {
    let fonts = FontSet::bundled();
    let gpu = common::gpu();
    for c in ['⟁', 'B', '@'] {
        let outline = fonts.outline(c).expect("covered");
        let prep =
            Prepared::new(&outline, &FieldOptions::DEFAULT.with_size(128)).expect("prepares");
        let timings = Default::default();
        let a = hologlyph::fields::finish(
            &prep,
            cpu::compute(&prep),
            hologlyph::fields::Backend::Cpu,
            timings,
        );
        let b = hologlyph::fields::finish(
            &prep,
            gpu.compute(&prep).expect("GPU"),
            hologlyph::fields::Backend::Gpu,
            timings,
        );
        assert_eq!(a.descriptor.holes, b.descriptor.holes, "{c}");
        assert_eq!(
            a.descriptor.ink_components, b.descriptor.ink_components,
            "{c}"
        );
        assert_eq!(a.region_list.len(), b.region_list.len(), "{c}");
        assert_eq!(a.regions, b.regions, "{c}: region ids differ");
    }
}

/// Regression: `regions.wgsl` used to clamp a nearest segment that has no part to the last
/// part while its CPU twin used part 0. A part table cut short (as a malformed input could
/// leave it) makes most ink pixels' nearest segments partless; both sides must then agree.
#[test]
fn ink_pixels_whose_segment_has_no_part_get_part_0_on_both_backends() {
    let gpu = common::gpu();
    let outline = FontSet::bundled().outline('⟁').expect("covered");
    let mut prep = Prepared::new(&outline, &FieldOptions::DEFAULT.with_size(96)).expect("prepares");
    let parts = prep.boundary.part_of.len();
    assert!(parts > 4, "⟁ has {parts} segments");
    // Two parts only: segment 1 is part 7, every later segment has no part.
    prep.boundary.part_of = vec![0, 7];
    let (sdf, nearest) = cpu::distance(&prep);
    assert!(
        sdf.iter()
            .zip(nearest.iter())
            .any(|(d, &near)| *d < 0.0 && near >= 2),
        "no ink pixel is nearest to a partless segment: the case is not exercised"
    );
    let want = cpu::compute(&prep);
    let got = gpu.compute(&prep).expect("GPU computes");
    let differing = got
        .region_keys
        .iter()
        .zip(want.region_keys.iter())
        .filter(|(g, w)| g != w)
        .count();
    assert_eq!(differing, 0, "region keys differ on {differing} pixels");
}

/// The batch path: glyphs of different sizes (some not a multiple of the 8-pixel tile) and
/// segment counts in one `compute_batch` give each glyph exactly what it gets alone, and
/// the CPU twin's result within the tolerances above; `FieldEngine::compute_many` keeps
/// the order it was given.
#[test]
fn a_batch_on_the_gpu_gives_each_glyph_what_it_gets_alone() {
    let fonts = FontSet::bundled();
    let gpu = common::gpu();
    let glyphs = [('⟁', 96), ('@', 203), ('B', 100), ('🜍', 64), ('⚕', 256)];
    let preps: Vec<Prepared> = glyphs
        .iter()
        .map(|&(c, size)| {
            let outline = fonts.outline(c).expect("covered");
            Prepared::new(&outline, &FieldOptions::DEFAULT.with_size(size)).expect("prepares")
        })
        .collect();
    let batch = gpu
        .compute_batch(&preps.iter().collect::<Vec<_>>())
        .expect("the batch computes");
    assert_eq!(batch.len(), glyphs.len());
    for ((prep, got), (c, size)) in preps.iter().zip(&batch).zip(glyphs) {
        let alone = gpu.compute(prep).expect("computes alone");
        assert!(
            *got == alone,
            "{c} at {size}²: the batch differs from the glyph alone"
        );
        let want = cpu::compute(prep);
        let sdf_diff = common::max_abs_diff(&got.sdf, &want.sdf);
        assert!(
            sdf_diff <= SDF_TOLERANCE,
            "{c} at {size}²: distance differs from the CPU twin by {sdf_diff} em"
        );
        assert_eq!(
            got.region_keys, want.region_keys,
            "{c} at {size}²: region keys"
        );
    }

    let engine = hologlyph::fields::FieldEngine::new(hologlyph::fields::Backend::Gpu);
    let outlines: Vec<_> = ['⟁', '@', 'B']
        .iter()
        .map(|&c| fonts.outline(c).expect("covered"))
        .collect();
    let options = FieldOptions::DEFAULT.with_size(96);
    let many = engine.compute_many(&outlines.iter().collect::<Vec<_>>(), &options);
    for (outline, fields) in outlines.iter().zip(many) {
        let fields = fields.expect("computes");
        let alone = engine.compute(outline, &options).expect("computes alone");
        assert_eq!(fields.raw, alone.raw, "{}", outline.source.describe());
        assert_eq!(fields.regions, alone.regions);
    }
}

/// More glyphs than one batch holds: `compute_many` queues the second batch before it
/// reads the first back (double buffering). Glyphs on either side of the cut, and the
/// last, come out as they do alone; a later batch that fits reuses the kept buffers.
#[test]
fn batches_queued_back_to_back_each_give_what_their_glyphs_get_alone() {
    let fonts = FontSet::bundled();
    let engine = hologlyph::fields::FieldEngine::new(hologlyph::fields::Backend::Gpu);
    let size = 256u32;
    let per_batch = (hologlyph::fields::GPU_BATCH_BYTES / (7 * 4 * (size as u64).pow(2))) as usize;
    let outlines: Vec<_> = (0x1F700u32..)
        .filter_map(char::from_u32)
        .filter_map(|c| fonts.outline(c).ok())
        .take(per_batch + 6)
        .collect();
    assert_eq!(
        outlines.len(),
        per_batch + 6,
        "enough glyphs for two batches"
    );
    let options = FieldOptions::DEFAULT.with_size(size);
    let many = engine.compute_many(&outlines.iter().collect::<Vec<_>>(), &options);
    assert_eq!(many.len(), outlines.len());
    for i in [0, per_batch - 1, per_batch, outlines.len() - 1] {
        let fields = many[i].as_ref().expect("computes");
        let alone = engine
            .compute(&outlines[i], &options)
            .expect("computes alone");
        assert!(
            fields.raw == alone.raw,
            "glyph {i} differs from itself alone"
        );
    }
    // Two sets of buffers: the second batch was queued while the first was in flight.
    let gpu = engine.gpu().expect("a GPU engine");
    assert_eq!(gpu.batch_buffers_made(), 2);
    // The first batch's glyphs again in reverse order: they fit the first batch's
    // buffers, which are used again (holding the last batch's inputs until this one's are
    // written), and each glyph gets the same fields as before.
    let reversed: Vec<&Outline> = outlines[..per_batch].iter().rev().collect();
    let again = engine.compute_many(&reversed, &options);
    assert_eq!(gpu.batch_buffers_made(), 2, "the kept buffers are reused");
    for i in [0, per_batch / 2, per_batch - 1] {
        let before = many[per_batch - 1 - i].as_ref().expect("computes");
        let now = again[i].as_ref().expect("computes");
        assert!(now.raw == before.raw, "glyph {i} differs on reused buffers");
    }
}

/// A lost GPU device (simulated with `Device::destroy`): computing on it is an error that
/// says the device was lost (no panic), and `FieldEngine::recover` opens a new device on
/// which the same glyph gets the same fields bit for bit.
#[test]
fn a_lost_device_is_reported_and_a_new_one_computes_the_same_fields() {
    use hologlyph::fields::{Backend, BackendChoice, FieldEngine, FieldError};
    use hologlyph::gpu::GpuError;
    let mut engine = FieldEngine::new(BackendChoice::Gpu);
    assert_eq!(engine.backend(), Backend::Gpu, "lavapipe gives a device");
    let outline = FontSet::bundled().outline('⟁').expect("outline");
    let options = FieldOptions::default().with_size(64);
    let before = engine.compute(&outline, &options).expect("computes");
    assert!(engine.recover().is_none(), "nothing to recover yet");

    engine.gpu().expect("a device").context().device.destroy();
    match engine.compute(&outline, &options) {
        Err(FieldError::Gpu(GpuError::DeviceLost { reason, .. })) => {
            assert!(reason.contains("Destroyed"), "{reason}")
        }
        Err(other) => panic!("expected a lost device, got: {other}"),
        Ok(_) => panic!("a destroyed device computed fields"),
    }
    let line = engine.recover().expect("a lost device is recovered");
    assert!(
        line.contains("was lost") && line.contains("new device"),
        "{line}"
    );
    assert_eq!(engine.backend(), Backend::Gpu);
    let after = engine.compute(&outline, &options).expect("computes again");
    assert_eq!(before.raw.sdf, after.raw.sdf);
    assert_eq!(before.regions, after.regions);
}

/// A small device (buffers limited to 16 MiB): the fields of ⟁ at 2048² do not fit, the
/// error says so with the device's limits and what to do, and the same engine goes on
/// computing at 256².
#[test]
fn fields_too_big_for_a_small_device_are_a_clear_error_and_the_engine_goes_on() {
    use hologlyph::fields::GpuFieldEngine;
    use hologlyph::gpu::{GpuContext, GpuError};
    let instance =
        wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
    let adapter = pollster::block_on(wgpu::util::initialize_adapter_from_env_or_default(
        &instance, None,
    ))
    .expect("an adapter (lavapipe)");
    let limits = wgpu::Limits {
        max_buffer_size: 16 << 20,
        max_storage_buffer_binding_size: 16 << 20,
        ..GpuContext::required_limits(&adapter)
    };
    let ctx = GpuContext::from_adapter_with_limits(&adapter, limits).expect("a small device");
    let engine = GpuFieldEngine::with_context(ctx).expect("an engine");
    let outline = FontSet::bundled().outline('⟁').expect("outline");
    let big = Prepared::new(&outline, &FieldOptions::default().with_size(2048)).expect("prep");
    match engine.compute(&big) {
        Err(e @ GpuError::TooLarge { .. }) => {
            let message = e.to_string();
            assert!(
                message.contains("2048²") && message.contains("16 MiB"),
                "{message}"
            );
        }
        Err(other) => panic!("expected a clear size error, got: {other}"),
        Ok(_) => panic!("2048² fields fit in 16 MiB buffers?"),
    }
    let small = Prepared::new(&outline, &FieldOptions::default().with_size(256)).expect("prep");
    let raw = engine.compute(&small).expect("256² still computes");
    let twin = cpu::compute(&small);
    assert!(common::max_abs_diff(&raw.sdf, &twin.sdf) < 1e-5);
}
