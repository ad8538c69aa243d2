// Parameters of the table in src/config/params.ts: SR-IOV direct assignment (virtual functions).

import * as L from "../../abi/layout.js";
import type { ParamSpec } from "../param-spec.js";

export const SRIOV_PARAMS = [
  {
    path: "nic.sriov.guests",
    kind: "integer",
    default: 0,
    unit: "guests",
    min: 0,
    max: 4096,
    help:
      "Guests 0 .. n-1 each own an SR-IOV virtual function of the port they sit behind (guest i on port " +
      "i % nic.ports): their own VF driver, RX and TX queues and interrupt (injected by Xen into the guest's " +
      "VCPU0); the NIC DMAs straight into guest memory and dom0 is not on their data path. 0 = none (every " +
      "guest uses the split driver).",
    source: "V14 (Dong et al. 2010: SR-IOV in Xen); at most guests.count",
    slot: L.CFG_SRIOV_GUESTS,
  },
  {
    path: "nic.sriov.vfsPerPort",
    kind: "integer",
    default: 7,
    unit: "VFs",
    min: 1,
    max: 256,
    help:
      "Virtual functions each port offers: 7 on an Intel 82576 (igb), 63 on an 82599 (ixgbe). A configuration " +
      "with more SR-IOV guests behind a port than this is refused.",
    source: "H6 (82576: 7); H7 (82599: 63)",
    via: "host",
  },
] as const satisfies readonly ParamSpec[];
