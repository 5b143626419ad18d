// The heap: a bump allocator over the imported linear memory, the only allocator the runtime uses.
// `alloc` moves the heap pointer up (8-byte aligned); `heapReset` moves it back and so frees everything above,
// which is what the SDK relies on when it writes input at `opa_heap_ptr_get()`. Memory grows on demand, also
// after the host itself grew it, and running out aborts instead of failing silently. The heap stays below 2 GiB:
// the SDK reads the addresses it is given as signed 32-bit numbers, so anything above would come back negative.

import { hostAbort } from "./env";

let heapPtr: usize = 0;
let heapLimit: usize = 0;

// "out of memory: evaluation needs more than 2 GiB of Wasm memory, the most the OPA SDK can address",
// NUL-terminated; hosts (the gate) recognise the prefix "out of memory".
const OUT_OF_MEMORY = memory.data<u8>([111, 117, 116, 32, 111, 102, 32, 109, 101, 109, 111, 114, 121, 58, 32, 101, 118, 97, 108, 117, 97, 116, 105, 111, 110, 32, 110, 101, 101, 100, 115, 32, 109, 111, 114, 101, 32, 116, 104, 97, 110, 32, 50, 32, 71, 105, 66, 32, 111, 102, 32, 87, 97, 115, 109, 32, 109, 101, 109, 111, 114, 121, 44, 32, 116, 104, 101, 32, 109, 111, 115, 116, 32, 116, 104, 101, 32, 79, 80, 65, 32, 83, 68, 75, 32, 99, 97, 110, 32, 97, 100, 100, 114, 101, 115, 115, 0]);

// The first address the heap never reaches (2 GiB), and the memory size in pages that holds it.
const HEAP_END: usize = 0x80000000;
const MAX_PAGES: i32 = <i32>(HEAP_END >> 16);

export function heapInit(base: usize): void {
  heapPtr = base;
  epoch++;
  heapLimit = (<usize>memory.size()) << 16;
}

@inline export function heapTop(): usize {
  return heapPtr;
}

// Bumped by every reset: caches of heap-allocated things (compiled regexes) are valid within one epoch only.
let epoch: u32 = 0;

@inline export function heapEpoch(): u32 {
  return epoch;
}

export function heapReset(ptr: usize): void {
  heapPtr = ptr;
  epoch++;
}

function growTo(end: usize): void {
  const have = (<usize>memory.size()) << 16;
  if (end > have) {
    const need = <i32>((end - have + 0xffff) >> 16);
    // Grow by at least an eighth of the current size so that a long run of small allocations pays for
    // memory.grow only logarithmically often.
    let pages = memory.size() >> 3;
    if (pages < need) pages = need;
    if (pages > MAX_PAGES - memory.size()) pages = need;
    if (memory.grow(pages) < 0 && memory.grow(need) < 0) {
      hostAbort(OUT_OF_MEMORY);
      unreachable();
    }
  }
  heapLimit = (<usize>memory.size()) << 16;
}

// Allocates size bytes, 8-byte aligned; the bytes are not zeroed (a reset heap keeps its old contents).
@inline export function alloc(size: usize): usize {
  const p = (heapPtr + 7) & ~(<usize>7);
  const end = p + size;
  if (end > heapLimit || end < p) allocSlow(end, p);
  heapPtr = end;
  return p;
}

function allocSlow(end: usize, p: usize): void {
  if (end < p || end > HEAP_END) {
    hostAbort(OUT_OF_MEMORY);
    unreachable();
  }
  growTo(end);
}

// Grows the block [p, p+oldSize) to newSize in place when it is the last allocation; returns false otherwise.
export function extendInPlace(p: usize, oldSize: usize, newSize: usize): bool {
  if (p + oldSize != heapPtr) return false;
  const end = p + newSize;
  if (end > heapLimit || end < p) allocSlow(end, p);
  heapPtr = end;
  return true;
}

// Returns a block of newSize bytes holding the first oldSize bytes of p: in place when possible.
export function realloc(p: usize, oldSize: usize, newSize: usize): usize {
  if (extendInPlace(p, oldSize, newSize)) return p;
  const q = alloc(newSize);
  memory.copy(q, p, oldSize);
  return q;
}
