"""Command line of the web app's own records: the wall screens' devices.

python -m dashboards devices add SCREEN [--label TEXT] [--base URL]   a device; prints its pairing address once
python -m dashboards devices revoke ID                               its television shows "revoked" at its next poll
python -m dashboards devices list                                    every device, its screen and state
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboards", description="IOC web app: wall screens' devices")
    parser.add_argument("--config", help="settings file (default config/settings.toml or IOC_CONFIG)")
    commands = parser.add_subparsers(dest="command", required=True)
    device_parser = commands.add_parser("devices", help="wall screens' devices: add, revoke, list")
    device_commands = device_parser.add_subparsers(dest="devices_command", required=True)
    add = device_commands.add_parser("add", help="a new device for a screen of config/screens.toml")
    add.add_argument("screen")
    add.add_argument("--label", default="", help="where it hangs, e.g. 'TV phòng điều hành'")
    add.add_argument("--base", default="", help="the IOC's address as the television reaches it")
    revoke = device_commands.add_parser("revoke", help="the device's token is refused from now on")
    revoke.add_argument("id", type=int)
    device_commands.add_parser("list", help="every device")
    args = parser.parse_args(argv)

    from dashboards.screens import load_screens
    from metrics import devices
    from metrics.startup import StartupFailed, start

    try:
        started = start(args.config, checks=[load_screens])
    except StartupFailed as failure:
        return failure.report()
    config, store = started.config, started.store
    try:
        if args.devices_command == "add":
            screens = load_screens(config)
            if screens.screen(args.screen) is None:
                known = ", ".join(s.name for s in screens.screens)
                print(f"devices add: no screen '{args.screen}' (screens: {known})", file=sys.stderr)
                return 2
            device, token = devices.add(store, args.screen, args.label)
            base = args.base.rstrip("/") or f"http://{config.settings.app.host}:{config.settings.app.port}"
            print(f"device {device.id} for screen {device.screen}; open this address once on the television")
            print(f"(it is shown only now):\n{base}/wall/thiet-bi?ma={token}")
        elif args.devices_command == "revoke":
            device = devices.revoke(store, args.id)
            print(f"revoked device {device.id} ({device.screen}, {device.label})")
        else:
            for device in devices.listed(store):
                state = "revoked" if device.revoked else "active"
                print(f"{device.id:5} {device.screen:24} {state:8} {device.label}")
    except devices.DeviceError as error:
        print(f"devices {args.devices_command}: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
