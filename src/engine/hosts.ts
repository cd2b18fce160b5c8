/**
 * Host presets a FreeBSD performance engineer would recognise: cores, clock, sockets, SMT, caches.
 * Every figure names its source (docs/hardware-sources.md lists them all).
 */
export type HostId = 'xeon-e5-2650v4-2s' | 'ryzen7-8845hs' | 'xeon-e5-2697av4' | 'xeon-e5-2697av4-2s' | 'atom-c2758' | 'apu2-gx412tc' | 'custom';

export interface HostPreset {
  readonly id: HostId;
  readonly title: string;
  /** Physical cores over all sockets. */
  readonly cores: number;
  /** Base clock. */
  readonly ghz: number;
  readonly smtCapable: boolean;
  readonly numaDomains: number;
  readonly coresPerDomain: number;
  /** Last-level cache per domain (socket), MB. */
  readonly llcMB: number;
  /** True for the user-editable entry: its numbers are only starting values. */
  readonly custom: boolean;
  readonly description: string;
}

export const HOSTS: readonly HostPreset[] = [
  {
    id: 'xeon-e5-2650v4-2s',
    title: '2× Xeon E5-2650 v4 (Broadwell-EP)',
    cores: 24, // 2 sockets × 12 cores: Intel ARK E5-2650 v4; BSDRP bench lab (calibration.md)
    ghz: 2.2, // ARK base clock
    smtCapable: true, // ARK: 24 threads per socket
    numaDomains: 2, // one per socket
    coresPerDomain: 12,
    llcMB: 30, // ARK: 30 MB smart cache per socket
    custom: false,
    description: 'The BSDRP bench-lab router: two sockets, two NUMA domains; the forwarding figures in calibration.md were measured here.',
  },
  {
    id: 'ryzen7-8845hs',
    title: 'Ryzen 7 PRO 8845HS',
    cores: 8, // AMD spec: 8 Zen 4 cores
    ghz: 3.8, // AMD spec base clock
    smtCapable: true, // 16 threads
    numaDomains: 1,
    coresPerDomain: 8,
    llcMB: 16, // AMD spec: 16 MB L3
    custom: false,
    description: 'A single-die mobile part, one domain; the ixl X710 forwarding run in calibration.md (7.17 Mpps) used it.',
  },
  {
    id: 'xeon-e5-2697av4',
    title: 'Xeon E5-2697A v4 (Broadwell-EP)',
    cores: 16, // ARK: 16 cores
    ghz: 2.6, // ARK base clock
    smtCapable: true,
    numaDomains: 1, // one socket populated
    coresPerDomain: 16,
    llcMB: 40, // ARK: 40 MB
    custom: false,
    description: 'One 16-core socket, the kind of box used for 40G tests: no cross-domain traffic.',
  },
  {
    id: 'xeon-e5-2697av4-2s',
    title: '2× Xeon E5-2697A v4 (Broadwell-EP)',
    cores: 32, // ARK: 16 cores per socket; calibration.md "2x Xeon E5-2697A v4 (2x16 cores, 2.6 GHz)"
    ghz: 2.6, // ARK base clock
    smtCapable: true, // ARK: 32 threads per socket
    numaDomains: 2,
    coresPerDomain: 16,
    llcMB: 40, // ARK: 40 MB per socket
    custom: false,
    description: 'The two-socket 40G forwarding box of calibration.md (Chelsio T580): 32 cores, 64 threads.',
  },
  {
    id: 'apu2-gx412tc',
    title: 'PC Engines APU2 (AMD GX-412TC)',
    cores: 4, // AMD GX-412TC: 4 Jaguar cores (calibration.md: "4 cores, 1 GHz")
    ghz: 1.0, // calibration.md; the part's base clock
    smtCapable: false,
    numaDomains: 1,
    coresPerDomain: 4,
    llcMB: 2, // 2 MB L2 shared by the four cores, no L3 (AMD GX-412TC data sheet)
    custom: false,
    description: 'The small-router board of calibration.md: four 1 GHz cores, Intel i210 ports (igb through iflib).',
  },
  {
    id: 'atom-c2758',
    title: 'Atom C2758 (Rangeley)',
    cores: 8, // ARK: 8 cores
    ghz: 2.4, // ARK base clock
    smtCapable: false, // ARK: 8 threads
    numaDomains: 1,
    coresPerDomain: 8,
    llcMB: 4, // ARK: 4 MB L2 (1 MB per 2-core module), no L3
    custom: false,
    description: 'The low-power appliance CPU of many small FreeBSD routers: slow cores, no L3, no SMT.',
  },
  {
    id: 'custom',
    title: 'Custom host',
    cores: 8, // starting values only: the user edits them
    ghz: 3,
    smtCapable: false,
    numaDomains: 1,
    coresPerDomain: 8,
    llcMB: 16,
    custom: true,
    description: 'Your own numbers: cores, clock and NUMA layout.',
  },
];

export function findHost(id: string): HostPreset | undefined {
  return HOSTS.find((h) => h.id === id);
}

/** CPUs the kernel counts (mp_ncpus): logical CPUs, so SMT doubles the cores. */
export function hostCpus(host: HostPreset, smtEnabled: boolean): number {
  return host.cores * (smtEnabled && host.smtCapable ? 2 : 1);
}

