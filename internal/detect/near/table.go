package near

import "hash/maphash"

// strTable maps strings to uint32 values from which the caller can read the
// string back (an id to its slot, whose entry holds the id; a group name to
// its number). It is open addressing with linear probing: a cell holds the
// value and 32 bits of the string's hash, so a probe reads the caller's
// string only when those match. That costs 8 bytes a cell, 11 to 21 per key
// at the table's load of 3/8 to 3/4, where a map[string]uint32 costs about
// 40 and keeps a second string header per key.
type strTable struct {
	seed  maphash.Seed
	cells []uint64 // tag<<32 | value+1; 0 is an empty cell
	n     int
}

func newStrTable() strTable { return strTable{seed: maphash.MakeSeed()} }

// tag is the hash bits a cell keeps; its low bits also pick the home cell.
func (t *strTable) tag(key string) uint32 { return uint32(maphash.String(t.seed, key)) }

// find returns the value stored for key.
func (t *strTable) find(key string, keyOf func(uint32) string) (uint32, bool) {
	if t.n == 0 {
		return 0, false
	}
	tag, mask := t.tag(key), uint32(len(t.cells)-1)
	for i := tag & mask; ; i = (i + 1) & mask {
		c := t.cells[i]
		switch {
		case c == 0:
			return 0, false
		case uint32(c>>32) == tag && keyOf(uint32(c)-1) == key:
			return uint32(c) - 1, true
		}
	}
}

// insert stores value for key, which must not be in the table.
func (t *strTable) insert(key string, value uint32) {
	if 4*(t.n+1) > 3*len(t.cells) {
		t.resize(max(16, 2*len(t.cells)))
	}
	t.put(uint64(t.tag(key))<<32 | uint64(value+1))
	t.n++
}

// put places a cell in the first free place from its home.
func (t *strTable) put(c uint64) {
	mask := uint32(len(t.cells) - 1)
	i := uint32(c>>32) & mask
	for t.cells[i] != 0 {
		i = (i + 1) & mask
	}
	t.cells[i] = c
}

func (t *strTable) resize(size int) {
	old := t.cells
	t.cells = make([]uint64, size)
	for _, c := range old {
		if c != 0 {
			t.put(c)
		}
	}
}

// remove drops key, which must be in the table, and shifts back the cells
// after it that would otherwise no longer be reachable from their home.
func (t *strTable) remove(key string, keyOf func(uint32) string) {
	tag, mask := t.tag(key), uint32(len(t.cells)-1)
	i := tag & mask
	for c := t.cells[i]; uint32(c>>32) != tag || keyOf(uint32(c)-1) != key; c = t.cells[i] {
		i = (i + 1) & mask
	}
	for j := (i + 1) & mask; t.cells[j] != 0; j = (j + 1) & mask {
		// The cell at j may move to the hole at i unless its home lies
		// cyclically in (i, j].
		if home := uint32(t.cells[j]>>32) & mask; (j-home)&mask >= (j-i)&mask {
			t.cells[i], i = t.cells[j], j
		}
	}
	t.cells[i] = 0
	t.n--
	if len(t.cells) > 16 && 8*t.n < len(t.cells) {
		t.resize(len(t.cells) / 2)
	}
}
