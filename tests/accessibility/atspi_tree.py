"""Prints what a screen reader sees of the running applications: every named node of their
AT-SPI trees as `[role] name`, indented by depth. Run with the system Python (pyatspi is
Debian's python3-pyatspi) and DBUS_SESSION_BUS_ADDRESS of the session the apps run in."""

import pyatspi


def walk(node, depth, out):
    try:
        role, name = node.getRoleName(), node.name
    except Exception:  # a node that went away while we read
        return
    if name or depth < 2:
        out.append("  " * depth + f"[{role}] {name}")
    for i in range(node.childCount):
        try:
            walk(node.getChildAtIndex(i), depth + 1, out)
        except Exception:
            pass


desktop = pyatspi.Registry.getDesktop(0)
lines = []
for i in range(desktop.childCount):
    app = desktop.getChildAtIndex(i)
    if app is not None:
        walk(app, 0, lines)
print("\n".join(lines))
