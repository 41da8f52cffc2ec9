#!/usr/bin/env python3
"""Writes the kohya-style adapter fixtures of `tests/adapters.rs` with the real `safetensors`
Python package (`pip install safetensors numpy`), the way kohya's sd-scripts save a LoRA:
`safetensors.numpy.save_file(tensors, path, metadata)` with `ss_*` strings.

The weights are small and untrained (a fixed pattern); what the tests read is the header,
written by the reference implementation itself. Run from anywhere:

    python3 tests/adapters/make_kohya.py

The files are committed, so the tests need neither Python nor the package.
"""
import json
import os

import numpy as np
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
RANK, HIDDEN = 4, 32
BLOCKS = ["down_blocks_0_attentions_0_proj_in", "up_blocks_1_attentions_0_proj_out"]


def tensors(seed):
    rng = np.random.default_rng(seed)
    out = {}
    for block in BLOCKS:
        base = f"lora_unet_{block}"
        out[f"{base}.lora_down.weight"] = rng.normal(0, 0.02, (RANK, HIDDEN)).astype(np.float16)
        out[f"{base}.lora_up.weight"] = np.zeros((HIDDEN, RANK), np.float16)
        out[f"{base}.alpha"] = np.array(8.0, np.float16)
    return out


# Metadata as sd-scripts' train_network.py writes it: every value a string, "None" where unset.
LORA_SD1 = {
    "ss_network_module": "networks.lora",
    "ss_network_dim": str(RANK),
    "ss_network_alpha": "8.0",
    "ss_network_args": "None",
    "ss_base_model_version": "sd_v1",
    "ss_sd_model_name": "v1-5-pruned-emaonly.safetensors",
    "ss_resolution": "(512, 512)",
    "ss_num_epochs": "10",
    "ss_epoch": "10",
    "ss_steps": "1500",
    "ss_max_train_steps": "1500",
    "ss_learning_rate": "0.0001",
    "ss_unet_lr": "0.0001",
    "ss_text_encoder_lr": "5e-05",
    "ss_optimizer": "bitsandbytes.optim.adamw.AdamW8bit",
    "ss_training_started_at": "1700000000.25",
    "ss_training_finished_at": "1700003600.5",
    "ss_tag_frequency": json.dumps({
        "10_threshold": {"threshold": 40, "doorway": 31, "triangle": 27, "light": 12},
        "5_glyphs": {"glyph": 25, "triangle": 9, "monochrome": 18},
    }),
}

LOCON_SDXL = {
    "ss_network_module": "lycoris.kohya",
    "ss_network_args": json.dumps({"conv_dim": "4", "conv_alpha": "1", "algo": "locon"}),
    "ss_network_dim": str(RANK),
    "ss_network_alpha": "1",
    "ss_base_model_version": "sdxl_base_v1-0",
    "ss_resolution": "(1024, 1024)",
    "ss_num_epochs": "4",
    "ss_learning_rate": "0.0004",
    "ss_unet_lr": "None",
    "ss_text_encoder_lr": "None",
    "ss_optimizer": "prodigyopt.prodigy.Prodigy(decouple=True)",
    "modelspec.date": "2024-05-01T12:00:00",
}


def main():
    for name, metadata, seed in [
        ("kohya-lora-sd1", LORA_SD1, 1),
        ("kohya-locon-sdxl", LOCON_SDXL, 2),
    ]:
        path = os.path.join(HERE, name + ".safetensors")
        save_file(tensors(seed), path, metadata=metadata)
        print("wrote", os.path.relpath(path))


if __name__ == "__main__":
    main()
