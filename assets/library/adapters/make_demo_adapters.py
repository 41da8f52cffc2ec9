#!/usr/bin/env python3
"""Writes the DEMO LoRA adapters of Hologlyph's bundled library.

These are real, valid files in the formats people use — safetensors with a JSON header and
`__metadata__` (kohya / modelspec style) and one PEFT folder (adapter_config.json beside
adapter_model.safetensors) — but their weights are a fixed pseudo-random pattern, not
trained: they exist so that the library's adapters have files Hologlyph can read, and every
file says so in its metadata (`hologlyph.demo`). Only the Python standard library is used.

Run from anywhere:  python3 assets/library/adapters/make_demo_adapters.py
The output is deterministic, so re-running it changes nothing.
"""
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO_NOTE = "demo adapter for Hologlyph: valid LoRA layout, untrained pseudo-random weights"
HIDDEN = 64
RANK = 4
ALPHA = 8


def f16_bytes(count, seed):
    """`count` half floats from a small linear congruential generator, in [-0.05, 0.05]."""
    out = bytearray()
    state = seed & 0xFFFFFFFF
    for _ in range(count):
        state = (1664525 * state + 1013904223) & 0xFFFFFFFF
        value = ((state >> 8) / float(1 << 24) - 0.5) * 0.1
        out += struct.pack("<e", value)
    return bytes(out)


def write_safetensors(path, tensors, metadata):
    """tensors: list of (name, shape); data is generated, F16, little-endian."""
    header = {"__metadata__": metadata}
    blobs = []
    offset = 0
    for i, (name, shape) in enumerate(tensors):
        count = shape[0] * shape[1]
        blob = f16_bytes(count, seed=hash_name(name) + i)
        header[name] = {"dtype": "F16", "shape": list(shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    text += b" " * (-len(text) % 8)  # the format pads the header to 8 bytes with spaces
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
    os.replace(tmp, path)


def hash_name(name):
    h = 2166136261
    for b in name.encode():
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def kohya_tensors(blocks):
    out = []
    for b in blocks:
        base = f"lora_unet_{b}"
        out.append((f"{base}.lora_down.weight", (RANK, HIDDEN)))
        out.append((f"{base}.lora_up.weight", (HIDDEN, RANK)))
    return out


def kohya_metadata(title, extra):
    meta = {
        "hologlyph.demo": DEMO_NOTE,
        "ss_network_module": "networks.lora",
        "ss_network_dim": str(RANK),
        "ss_network_alpha": str(ALPHA),
        "ss_sd_model_name": "demo-base (no real base model)",
        "modelspec.title": title,
    }
    meta.update(extra)
    return meta


BLOCKS = ["down_blocks_0_attentions_0_proj_in", "down_blocks_0_attentions_0_proj_out",
          "mid_block_attentions_0_proj_in", "up_blocks_1_attentions_0_proj_out"]

SAFETENSORS = {
    "demo-entering-unknown": ("archetype of entering the unknown",
                              {"modelspec.trigger_phrase": "⟁, entering the unknown, threshold",
                               "hologlyph.symbol": "⟁ (U+27C1)"}),
    "demo-initiation": ("initiation coupling",
                        {"modelspec.trigger_phrase": "🜂, initiation",
                         "hologlyph.symbol": "🜂 (U+1F702)"}),
    "demo-solve-coagula": ("solve et coagula",
                           {"modelspec.trigger_phrase": "solve et coagula, dissolve and bind"}),
    # No modelspec trigger: triggers come from kohya's tag frequencies.
    "demo-knot-reader": ("reader of knots",
                         {"ss_tag_frequency": json.dumps({"10_knots": {
                             "knot": 48, "loop": 37, "crossing": 22, "boundary": 19,
                             "topology": 15, "rope": 4}})}),
    "demo-memory-graph": ("memory graph interface",
                          {"ss_tag_frequency": json.dumps({"8_graphs": {
                              "network": 52, "memory": 41, "vertex": 30, "edge": 28,
                              "interface": 17, "diagram": 3}})}),
    "demo-field-of-silence": ("field of silence",
                              {"modelspec.trigger_phrase": "silence, void, pause"}),
    "demo-living-image": ("living image",
                          {"modelspec.trigger_phrase": "living image, gesture, hieroglyph"}),
}


def main():
    for name, (title, extra) in SAFETENSORS.items():
        path = os.path.join(HERE, name + ".safetensors")
        write_safetensors(path, kohya_tensors(BLOCKS), kohya_metadata(title, extra))
        print("wrote", os.path.relpath(path))

    folder = os.path.join(HERE, "demo-breath-entry")
    os.makedirs(folder, exist_ok=True)
    config = {
        "peft_type": "LORA",
        "task_type": "CAUSAL_LM",
        "base_model_name_or_path": "demo/tiny-base (no real base model)",
        "r": RANK,
        "lora_alpha": ALPHA,
        "lora_dropout": 0.0,
        "target_modules": ["q_proj", "v_proj"],
        "bias": "none",
        "inference_mode": True,
        "hologlyph.demo": DEMO_NOTE,
        "hologlyph.triggers": ["🫁", "breath", "inhale"],
    }
    with open(os.path.join(folder, "adapter_config.json.tmp"), "w", encoding="utf-8") as f:
        json.dump(config, f, ensure_ascii=False, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(os.path.join(folder, "adapter_config.json.tmp"),
               os.path.join(folder, "adapter_config.json"))
    tensors = []
    for layer in range(2):
        for module in ("q_proj", "v_proj"):
            base = f"base_model.model.model.layers.{layer}.self_attn.{module}"
            tensors.append((f"{base}.lora_A.weight", (RANK, HIDDEN)))
            tensors.append((f"{base}.lora_B.weight", (HIDDEN, RANK)))
    write_safetensors(os.path.join(folder, "adapter_model.safetensors"), tensors,
                      {"format": "pt", "hologlyph.demo": DEMO_NOTE})
    print("wrote", os.path.relpath(folder))


if __name__ == "__main__":
    main()
