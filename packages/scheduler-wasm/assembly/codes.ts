// Mirror of src/core/codes.ts for the kernel; src/core/codes.test.ts fails when the two drift apart.

export namespace Cache {
  export const Key: i32 = 0;
  export const Gen: i32 = 1;
  export const Epoch: i32 = 2;
  export const Status: i32 = 3;
  export const Detail: i32 = 4;
  export const Direct: i32 = 6;
  export const Taint: i32 = 8;
  export const Aff: i32 = 10;
  export const Words: i32 = 12;
}
export namespace CallStatus {
  export const Ok: i32 = 0;
  export const BadRecord: i32 = 1;
  export const BadProfile: i32 = 2;
  export const BadNode: i32 = 3;
}
export namespace CycleStatus {
  export const Scheduled: i32 = 0;
  export const Unschedulable: i32 = 1;
  export const NoNodes: i32 = 2;
}
export const EMPTY_VALUE: i32 = 0;
export namespace Effect {
  export const Any: i32 = 0;
  export const NoSchedule: i32 = 1;
  export const PreferNoSchedule: i32 = 2;
  export const NoExecute: i32 = 3;
}
export const FIRST_EXTENDED_COLUMN: i32 = 4;
export const FIT_UNRESOLVABLE_BIT: i32 = 1073741824;
export namespace FilterBit {
  export const NodeUnschedulable: i32 = 1;
  export const NodeName: i32 = 2;
  export const TaintToleration: i32 = 4;
  export const NodeAffinity: i32 = 8;
  export const NodePorts: i32 = 16;
  export const NodeResourcesFit: i32 = 32;
  export const PodTopologySpread: i32 = 64;
  export const InterPodAffinity: i32 = 128;
}
export namespace Hdr {
  export const NodeCap: i32 = 0;
  export const OrderLen: i32 = 1;
  export const NextStart: i32 = 2;
  export const RngState: i32 = 3;
  export const ResCount: i32 = 4;
  export const KeyCap: i32 = 5;
  export const ValueCap: i32 = 6;
  export const PodCap: i32 = 7;
  export const AffinityPods: i32 = 8;
  export const AntiPods: i32 = 9;
  export const NodeStride: i32 = 10;
  export const Epoch: i32 = 11;
  export const Words: i32 = 16;
}
export const IMAGE_ENTRY_WORDS: i32 = 4;
export const MAX_NODE_SCORE: i32 = 100;
export const MAX_PROFILES: i32 = 16;
export const MAX_PROFILE_RESOURCES: i32 = 16;
export const MAX_RESOURCES: i32 = 30;
export const MAX_SHAPE_POINTS: i32 = 12;
export const MAX_SPREAD_CONSTRAINTS: i32 = 16;
export const MISSING: i32 = -1;
export const NODE_NAME_FIELD: i32 = -2;
export const NO_VALUE: i32 = -2;
export const NO_VICTIMS_REASON: i32 = 100;
export namespace NodeFlag {
  export const Live: i32 = 1;
  export const Unschedulable: i32 = 2;
}
export namespace Op {
  export const In: i32 = 0;
  export const NotIn: i32 = 1;
  export const Exists: i32 = 2;
  export const DoesNotExist: i32 = 3;
  export const Gt: i32 = 4;
  export const Lt: i32 = 5;
}
export const PORT_ENTRY_WORDS: i32 = 3;
export namespace PodFlag {
  export const ToleratesUnschedulable: i32 = 1;
  export const Terminating: i32 = 2;
  export const SystemDefaultSpread: i32 = 4;
  export const SelfAffinity: i32 = 8;
  export const HasAffinity: i32 = 16;
  export const HasRequiredAntiAffinity: i32 = 32;
  export const HasPorts: i32 = 64;
  export const NodeLocal: i32 = 128;
}
export namespace PodRec {
  export const Len: i32 = 0;
  export const Namespace: i32 = 1;
  export const Priority: i32 = 2;
  export const Flags: i32 = 3;
  export const NodeName: i32 = 4;
  export const Containers: i32 = 5;
  export const NzCpu: i32 = 6;
  export const NzMem: i32 = 8;
  export const Sections: i32 = 10;
  export const Class: i32 = 36;
  export const StartTime: i32 = 38;
  export const Header: i32 = 40;
}
export namespace Policy {
  export const Honor: i32 = 0;
  export const Ignore: i32 = 1;
}
export namespace PreOut {
  export const Node: i32 = 0;
  export const Reason: i32 = 1;
  export const Detail: i32 = 2;
  export const Victims: i32 = 3;
  export const Slots: i32 = 4;
}
export namespace Prof {
  export const FilterMask: i32 = 0;
  export const ScoreMask: i32 = 1;
  export const Weights: i32 = 2;
  export const Percentage: i32 = 9;
  export const FitStrategy: i32 = 10;
  export const FitResCount: i32 = 11;
  export const FitRes: i32 = 12;
  export const ShapeCount: i32 = 44;
  export const Shape: i32 = 45;
  export const BalResCount: i32 = 69;
  export const BalRes: i32 = 70;
  export const IgnoredMask: i32 = 86;
  export const HardAffinityWeight: i32 = 87;
  export const IgnorePreferredOfExisting: i32 = 88;
  export const Words: i32 = 96;
}
export namespace Protocol {
  export const TCP: i32 = 0;
  export const UDP: i32 = 1;
  export const SCTP: i32 = 2;
}
export const REASON_COUNT: i32 = 12;
export const REQ_ENTRY_WORDS: i32 = 4;
export namespace Reason {
  export const Pass: i32 = 0;
  export const NodeUnschedulable: i32 = 1;
  export const NodeName: i32 = 2;
  export const Taint: i32 = 3;
  export const NodeAffinity: i32 = 4;
  export const NodePorts: i32 = 5;
  export const Fit: i32 = 6;
  export const SpreadMissingLabel: i32 = 7;
  export const SpreadSkew: i32 = 8;
  export const PodAffinity: i32 = 9;
  export const PodAntiAffinity: i32 = 10;
  export const ExistingAntiAffinity: i32 = 11;
}
export namespace Res {
  export const Status: i32 = 0;
  export const Node: i32 = 1;
  export const Processed: i32 = 2;
  export const Feasible: i32 = 3;
  export const Start: i32 = 4;
  export const BatchDone: i32 = 5;
  export const ScoreOffset: i32 = 6;
  export const Chosen: i32 = 7;
  export const Reasons: i32 = 8;
  export const Words: i32 = 24;
}
export namespace ResCol {
  export const Cpu: i32 = 0;
  export const Memory: i32 = 1;
  export const EphemeralStorage: i32 = 2;
  export const Pods: i32 = 3;
}
export const SCORE_PLUGIN_COUNT: i32 = 7;
export const SECTION_COUNT: i32 = 13;
export namespace ScoreIndex {
  export const TaintToleration: i32 = 0;
  export const NodeAffinity: i32 = 1;
  export const NodeResourcesFit: i32 = 2;
  export const PodTopologySpread: i32 = 3;
  export const InterPodAffinity: i32 = 4;
  export const NodeResourcesBalancedAllocation: i32 = 5;
  export const ImageLocality: i32 = 6;
}
export namespace Section {
  export const Requests: i32 = 0;
  export const Tolerations: i32 = 1;
  export const NodeSelector: i32 = 2;
  export const RequiredTerms: i32 = 3;
  export const PreferredTerms: i32 = 4;
  export const Ports: i32 = 5;
  export const Images: i32 = 6;
  export const Labels: i32 = 7;
  export const Spread: i32 = 8;
  export const AffinityRequired: i32 = 9;
  export const AntiAffinityRequired: i32 = 10;
  export const AffinityPreferred: i32 = 11;
  export const AntiAffinityPreferred: i32 = 12;
}
export namespace SelectorKind {
  export const Nothing: i32 = 0;
  export const Everything: i32 = 1;
  export const Requirements: i32 = 2;
}
export namespace Spread {
  export const MaxSkew: i32 = 0;
  export const KeyCol: i32 = 1;
  export const When: i32 = 2;
  export const MinDomains: i32 = 3;
  export const AffinityPolicy: i32 = 4;
  export const TaintsPolicy: i32 = 5;
  export const IsHostname: i32 = 6;
  export const SelfMatch: i32 = 7;
  export const Selector: i32 = 8;
}
export namespace Strategy {
  export const LeastAllocated: i32 = 0;
  export const MostAllocated: i32 = 1;
  export const RequestedToCapacityRatio: i32 = 2;
}
export const TAINT_ENTRY_WORDS: i32 = 3;
export const TOL_ENTRY_WORDS: i32 = 4;
export namespace Term {
  export const Weight: i32 = 0;
  export const KeyCol: i32 = 1;
  export const AllNamespaces: i32 = 2;
  export const NsCount: i32 = 3;
  export const Namespaces: i32 = 4;
}
export namespace TolerationOp {
  export const Equal: i32 = 0;
  export const Exists: i32 = 1;
}
export const WILDCARD_IP: i32 = 0;
export namespace When {
  export const DoNotSchedule: i32 = 0;
  export const ScheduleAnyway: i32 = 1;
}
