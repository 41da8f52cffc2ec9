//! Edit-to-screen latency while a point is dragged, for a 100-segment and a 1,000-segment
//! outline, at the drag field size and at the view's size: the UI thread's share (parse the
//! path data, move the point, write the path data back) and the worker's (outline, prepare,
//! the CPU twins and what the view needs of them, and the GPU passes that fill the view's
//! textures when a wgpu adapter is found — lavapipe here). What the window does per drag
//! event, in the same order. Run: `cargo bench --bench edit`.

use std::time::Instant;

use hologlyph::app::VIEW_FIELD;
use hologlyph::app::editing::DRAG_FIELD;
use hologlyph::fields::{Backend, FieldOptions, GpuFieldEngine, Prepared, Timings, cpu, finish};
use hologlyph::geometry::{EmPoint, EmRect};
use hologlyph::glyph::contours::{ContourPoint, Contours, PointRef};
use hologlyph::glyph::{FillRule, outline_from_path_data};

const RUNS: usize = 15;

/// A wavy closed curve of `segments` line segments, about an em across.
fn wavy(segments: usize) -> Contours {
    let points = (0..segments)
        .map(|i| {
            let a = i as f64 / segments as f64 * std::f64::consts::TAU;
            let r = 0.4 + 0.04 * (a * 7.0).sin();
            ContourPoint::on([0.5 + r * a.cos(), 0.4 + r * a.sin()])
        })
        .collect();
    Contours {
        contours: vec![hologlyph::glyph::contours::Contour {
            points,
            closed: true,
        }],
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let engine = GpuFieldEngine::new().ok();
    println!(
        "GPU passes: {}",
        engine
            .as_ref()
            .map_or("none (no adapter)".to_string(), |e| e
                .context()
                .adapter_name())
    );
    println!(
        "{:>9} {:>6} {:>10} {:>10} {:>10} {:>10} {:>10}",
        "segments", "size", "ui ms", "prepare", "cpu+finish", "gpu", "total ms"
    );
    for segments in [100usize, 1000] {
        let mut contours = wavy(segments);
        let mut frame = EmRect::EMPTY;
        frame.include(EmPoint::new(0.0, -0.1));
        frame.include(EmPoint::new(1.0, 0.9));
        for size in [DRAG_FIELD, VIEW_FIELD] {
            let options = FieldOptions::default()
                .with_size(size)
                .with_frame(Some(frame));
            let (mut ui, mut prep_ms, mut cpu_ms, mut gpu_ms, mut total) =
                (vec![], vec![], vec![], vec![], vec![]);
            for run in 0..RUNS {
                let start = Instant::now();
                // The UI thread: the drag event becomes new path data.
                let data = contours.to_path_data();
                let mut c = Contours::from_path_data(&data).expect("parses");
                let at = c
                    .point(PointRef {
                        contour: 0,
                        point: 0,
                    })
                    .unwrap()
                    .at;
                c.move_point(
                    PointRef {
                        contour: 0,
                        point: 0,
                    },
                    [at[0] + 0.001 * (run as f64 - 7.0), at[1]],
                );
                let data = c.to_path_data();
                contours = c;
                ui.push(start.elapsed().as_secs_f64() * 1e3);
                // The worker.
                let t = Instant::now();
                let outline = outline_from_path_data(&data, FillRule::NonZero).unwrap();
                let prep = Prepared::new(&outline, &options).unwrap();
                prep_ms.push(t.elapsed().as_secs_f64() * 1e3);
                let t = Instant::now();
                let raw = cpu::compute(&prep);
                let fields = finish(&prep, raw, Backend::Cpu, Timings::default());
                std::hint::black_box(&fields);
                cpu_ms.push(t.elapsed().as_secs_f64() * 1e3);
                let t = Instant::now();
                if let Some(e) = &engine {
                    let g = e.dispatch(&prep).expect("dispatches");
                    let _ = e.context().device.poll(wgpu::PollType::wait_indefinitely());
                    std::hint::black_box(&g);
                }
                gpu_ms.push(t.elapsed().as_secs_f64() * 1e3);
                total.push(start.elapsed().as_secs_f64() * 1e3);
            }
            println!(
                "{segments:>9} {size:>6} {:>10.2} {:>10.2} {:>10.2} {:>10.2} {:>10.2}",
                median(ui),
                median(prep_ms),
                median(cpu_ms),
                median(gpu_ms),
                median(total)
            );
        }
    }
    println!(
        "(medians of {RUNS} drag events; the window shows the result on the next frame after the worker is done)"
    );
}
