/**
 * The numeric contract between the TypeScript side and both scheduling kernels (WASM and TS twin).
 * assembly/codes.ts mirrors every value here; codes.test.ts fails when the two drift apart.
 */

/** Why a node was rejected, written per evaluated node into the status column. 0 means it passed. */
export const Reason = {
  Pass: 0,
  NodeUnschedulable: 1,
  NodeName: 2,
  Taint: 3,
  NodeAffinity: 4,
  NodePorts: 5,
  Fit: 6,
  SpreadMissingLabel: 7,
  SpreadSkew: 8,
  PodAffinity: 9,
  PodAntiAffinity: 10,
  ExistingAntiAffinity: 11,
} as const;
export const REASON_COUNT = 12;

/**
 * For Reason.Fit the detail word is a bit mask of insufficient resource columns (bit r = column r; column 3 is
 * the pod count, i.e. "Too many pods"); this bit marks a request larger than the node's whole allocatable, which
 * makes the rejection unresolvable by preemption.
 */
export const FIT_UNRESOLVABLE_BIT = 1 << 30;
export const MAX_RESOURCES = 30;

/** Filter plugins, as bits of a profile's filter mask. The kernel runs them in this order. */
export const FilterBit = {
  NodeUnschedulable: 1,
  NodeName: 2,
  TaintToleration: 4,
  NodeAffinity: 8,
  NodePorts: 16,
  NodeResourcesFit: 32,
  PodTopologySpread: 64,
  InterPodAffinity: 128,
} as const;

/** Score plugins: index into a profile's weight table; bit (1 << index) in its score mask. */
export const ScoreIndex = {
  TaintToleration: 0,
  NodeAffinity: 1,
  NodeResourcesFit: 2,
  PodTopologySpread: 3,
  InterPodAffinity: 4,
  NodeResourcesBalancedAllocation: 5,
  ImageLocality: 6,
} as const;
export const SCORE_PLUGIN_COUNT = 7;

/** Fixed resource columns; extended resources take columns from 4 up. */
export const ResCol = { Cpu: 0, Memory: 1, EphemeralStorage: 2, Pods: 3 } as const;
export const FIRST_EXTENDED_COLUMN = 4;

/** Node-selector operators (node labels) and label-selector operators (pod labels) share these numbers. */
export const Op = { In: 0, NotIn: 1, Exists: 2, DoesNotExist: 3, Gt: 4, Lt: 5 } as const;

/** A label selector's kind: nil selects nothing; {} selects everything but counts as "empty". */
export const SelectorKind = { Nothing: 0, Everything: 1, Requirements: 2 } as const;

export const Effect = { Any: 0, NoSchedule: 1, PreferNoSchedule: 2, NoExecute: 3 } as const;
export const TolerationOp = { Equal: 0, Exists: 1 } as const;
export const Protocol = { TCP: 0, UDP: 1, SCTP: 2 } as const;
/** Id of the wildcard host IP 0.0.0.0 (and of an empty hostIP) in the host-IP interner. */
export const WILDCARD_IP = 0;

/** A node-selector requirement whose key is this column matches metadata.name (matchFields) by node slot. */
export const NODE_NAME_FIELD = -2;
/** A label value id that no node can carry (used for names of nodes that do not exist). */
export const NO_VALUE = -2;
/** Id of the empty label value "" in the node-value interner (a missing key reads as "" where Go indexes a map). */
export const EMPTY_VALUE = 0;
/** Label column value for "the node has no such label". */
export const MISSING = -1;

/** Spread-constraint fields. */
export const When = { DoNotSchedule: 0, ScheduleAnyway: 1 } as const;
export const Policy = { Honor: 0, Ignore: 1 } as const;

/** Node flags (the nodeFlags column). */
export const NodeFlag = { Live: 1, Unschedulable: 2 } as const;

/** Pod flags (PodRec.Flags). */
export const PodFlag = {
  ToleratesUnschedulable: 1,
  Terminating: 2,
  SystemDefaultSpread: 4,
  SelfAffinity: 8,
  HasAffinity: 16,
  HasRequiredAntiAffinity: 32,
  HasPorts: 64,
  /** Everything the pod's filters and scores read is node-local (no spreading, no pod affinity terms). */
  NodeLocal: 128,
} as const;

/**
 * A pod record in the pod arena, in 32-bit words relative to its start (always an even word, so the f64 fields
 * are 8-byte aligned):
 *
 *   0 len | 1 ns | 2 priority | 3 flags | 4 nodeName slot | 5 containers | 6-7 nz cpu (f64) | 8-9 nz mem (f64)
 *   10.. section table: [offset, count] for each Section | 36 class | 38-39 start time (f64 ms, +Inf if not
 *   started) | 40.. section bodies
 *
 * `class` numbers the pod's node-local scheduling inputs (requests, tolerations, node selector and affinity,
 * ports, images, nodeName): two pods with the same class get the same filter result and node-local scores on an
 * unchanged node, which is what the kernels' per-node result cache relies on.
 */
export const PodRec = {
  Len: 0,
  Namespace: 1,
  Priority: 2,
  Flags: 3,
  NodeName: 4,
  Containers: 5,
  NzCpu: 6,
  NzMem: 8,
  Sections: 10,
  Class: 36,
  StartTime: 38,
  Header: 40,
} as const;

/**
 * Preemption dry run output, per node examined, in the preOut region: [node, reason, detail, victims, slots...].
 * reason NoVictims means no pod on the node had lower priority; reason 0 with victims > 0 is a candidate.
 */
export const PreOut = { Node: 0, Reason: 1, Detail: 2, Victims: 3, Slots: 4 } as const;
export const NO_VICTIMS_REASON = 100;

export const Section = {
  Requests: 0,
  Tolerations: 1,
  NodeSelector: 2,
  RequiredTerms: 3,
  PreferredTerms: 4,
  Ports: 5,
  Images: 6,
  Labels: 7,
  Spread: 8,
  AffinityRequired: 9,
  AntiAffinityRequired: 10,
  AffinityPreferred: 11,
  AntiAffinityPreferred: 12,
} as const;
export const SECTION_COUNT = 13;

/** Words of one entry in the fixed-size sections. */
export const REQ_ENTRY_WORDS = 4; // resCol, pad, f64 value
export const TOL_ENTRY_WORDS = 4; // keyId (-1 empty), op, valueId, effect
export const PORT_ENTRY_WORDS = 3; // ipId, protocol, port
export const TAINT_ENTRY_WORDS = 3; // keyId, valueId, effect
export const IMAGE_ENTRY_WORDS = 4; // imageId, pad, f64 size

/** Spread constraint head, followed by its selector. */
export const Spread = {
  MaxSkew: 0,
  KeyCol: 1,
  When: 2,
  MinDomains: 3,
  AffinityPolicy: 4,
  TaintsPolicy: 5,
  IsHostname: 6,
  SelfMatch: 7,
  Selector: 8,
} as const;

/** Pod-affinity term head: weight, topology key column, all-namespaces flag, namespace count, namespaces, selector. */
export const Term = { Weight: 0, KeyCol: 1, AllNamespaces: 2, NsCount: 3, Namespaces: 4 } as const;

/** Per-profile settings, in words of the profile region. */
export const Prof = {
  FilterMask: 0,
  ScoreMask: 1,
  Weights: 2, // SCORE_PLUGIN_COUNT words
  Percentage: 9, // 0 = adaptive
  FitStrategy: 10,
  FitResCount: 11,
  FitRes: 12, // MAX_PROFILE_RESOURCES pairs of (column, weight)
  ShapeCount: 44,
  Shape: 45, // MAX_SHAPE_POINTS pairs of (utilization, score already scaled to 0-100)
  BalResCount: 69,
  BalRes: 70, // MAX_PROFILE_RESOURCES columns
  IgnoredMask: 86,
  HardAffinityWeight: 87,
  IgnorePreferredOfExisting: 88,
  Words: 96,
} as const;
export const MAX_PROFILE_RESOURCES = 16;
export const MAX_SHAPE_POINTS = 12;
export const MAX_PROFILES = 16;
export const Strategy = { LeastAllocated: 0, MostAllocated: 1, RequestedToCapacityRatio: 2 } as const;

/** Header words shared by the TS side and the kernels. */
export const Hdr = {
  NodeCap: 0,
  OrderLen: 1,
  NextStart: 2,
  RngState: 3,
  ResCount: 4,
  KeyCap: 5,
  ValueCap: 6,
  PodCap: 7,
  /** Placed pods with any pod (anti-)affinity, and with required anti-affinity: lets the kernels skip scans. */
  AffinityPods: 8,
  AntiPods: 9,
  /** Row stride of two-dimensional node regions (see layout.ts nodeStride). */
  NodeStride: 10,
  /**
   * Bumped whenever something that is not one node's own state changes what node-local filters and scores
   * compute (node set and order, image spread, profiles, the layout): invalidates the per-node result cache.
   */
  Epoch: 11,
  Words: 16,
} as const;

/** The result of one cycle (or the last pod of a batch). */
export const Res = {
  Status: 0,
  Node: 1,
  Processed: 2,
  Feasible: 3,
  Start: 4,
  BatchDone: 5,
  /**
   * Score every feasible node got on top of its total: a plugin that scores all feasible nodes alike (say
   * TaintToleration when none has a PreferNoSchedule taint) adds it here instead of to each total.
   */
  ScoreOffset: 6,
  /** Preemption dry run: the preOut word offset of the candidate picked, or -1 when there is none. */
  Chosen: 7,
  Reasons: 8, // REASON_COUNT words: nodes rejected per reason
  Words: 24,
} as const;
export const CycleStatus = { Scheduled: 0, Unschedulable: 1, NoNodes: 2 } as const;

/** Status codes of the kernel's exported calls (wasm.ts maps them to SchedulerError codes). */
export const CallStatus = { Ok: 0, BadRecord: 1, BadProfile: 2, BadNode: 3 } as const;

/**
 * One node's entry in the per-node result cache, 12 words (48 bytes) so a lookup touches one cache line:
 *   0 key (pod class * MAX_PROFILES + profile) | 1 node generation | 2 epoch | 3 status | 4 detail | 5 pad
 *   6-7 node-local direct score (f64) | 8-9 TaintToleration raw (f64) | 10-11 NodeAffinity raw (f64)
 */
export const Cache = { Key: 0, Gen: 1, Epoch: 2, Status: 3, Detail: 4, Direct: 6, Taint: 8, Aff: 10, Words: 12 } as const;

/** The most spread constraints one pod may carry (each needs a count plane). */
export const MAX_SPREAD_CONSTRAINTS = 16;
export const MAX_NODE_SCORE = 100;
