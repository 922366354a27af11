// Package audit defines Vigil's tamper-evident audit log: the entry every
// state change writes in the same transaction (R-P6, R-C5), the hash that
// chains each entry to the one before it, and the verification of a chain.
//
// Each marketplace has its own chain; operator actions that belong to no
// marketplace use the chain named by SystemChain. An entry's hash covers its
// position, time, actor, action, subject, detail and the previous entry's
// hash, so changing, removing or reordering any entry breaks every link after
// it, and Verify names the first broken one.
package audit

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
)

// SystemChain is the chain of operator actions outside any marketplace.
const SystemChain = ""

// Actor types: who made a change.
const (
	ActorUser   = "user"    // a person in the console
	ActorAPIKey = "api_key" // a marketplace's backend
	ActorSystem = "system"  // a job, rule or the CLI run by the operator
)

// Entry is one audit record. Its JSON form is the export's line format
// (see VerifyExport).
type Entry struct {
	Chain       string    `json:"chain"`
	Seq         int64     `json:"seq"`
	At          time.Time `json:"at"` // stored with microsecond precision
	ActorType   string    `json:"actor_type"`
	ActorID     string    `json:"actor_id"`
	Action      string    `json:"action"`
	SubjectType string    `json:"subject_type"`
	SubjectID   string    `json:"subject_id"`
	// Detail is a JSON document kept byte-for-byte as written, because the
	// hash covers its exact bytes.
	Detail   string `json:"detail"`
	PrevHash string `json:"prev_hash"`
	Hash     string `json:"hash"`
}

// Hash computes the entry's hash from its fields and PrevHash. Fields are
// length-prefixed so that no two different entries serialise alike.
func Hash(e Entry) string {
	h := sha256.New()
	field := func(s string) {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	field(e.PrevHash)
	field(e.Chain)
	field(strconv.FormatInt(e.Seq, 10))
	field(strconv.FormatInt(e.At.UTC().UnixMicro(), 10))
	field(e.ActorType)
	field(e.ActorID)
	field(e.Action)
	field(e.SubjectType)
	field(e.SubjectID)
	field(e.Detail)
	return hex.EncodeToString(h.Sum(nil))
}

// Break describes the first entry of a chain that does not verify.
type Break struct {
	Chain  string
	Seq    int64
	Reason string
}

func (b *Break) Error() string {
	return fmt.Sprintf("audit chain %q broken at entry %d: %s", b.Chain, b.Seq, b.Reason)
}

// Verifier checks one chain entry by entry, in sequence order, without
// holding the chain in memory.
type Verifier struct {
	chain    string
	prevSeq  int64
	prevHash string
	// Count is the number of entries verified so far.
	Count int64
}

// NewVerifier starts verifying chain from its first entry.
func NewVerifier(chain string) *Verifier { return &Verifier{chain: chain} }

// Next checks the next entry; it returns a *Break at the first entry that is
// out of sequence, does not link to its predecessor, or whose hash does not
// match its content.
func (v *Verifier) Next(e Entry) error {
	switch {
	case e.Chain != v.chain:
		return &Break{Chain: v.chain, Seq: e.Seq, Reason: fmt.Sprintf("entry belongs to chain %q", e.Chain)}
	case e.Seq != v.prevSeq+1:
		return &Break{Chain: v.chain, Seq: e.Seq, Reason: fmt.Sprintf("expected entry %d (entries missing or reordered)", v.prevSeq+1)}
	case e.PrevHash != v.prevHash:
		return &Break{Chain: v.chain, Seq: e.Seq, Reason: "previous-hash link does not match the entry before it"}
	case Hash(e) != e.Hash:
		return &Break{Chain: v.chain, Seq: e.Seq, Reason: "content does not match its hash (entry altered)"}
	}
	v.prevSeq, v.prevHash = e.Seq, e.Hash
	v.Count++
	return nil
}

// Head returns the sequence number and hash of the last verified entry.
func (v *Verifier) Head() (int64, string) { return v.prevSeq, v.prevHash }

// Resume starts verifying chain after entry seq, whose hash is hash: for
// a stretch of a chain, such as an export of a period.
func Resume(chain string, seq int64, hash string) *Verifier {
	return &Verifier{chain: chain, prevSeq: seq, prevHash: hash}
}

// Stretch is what VerifyExport found: the chain, its first and last
// entries, and how many verified. First.PrevHash anchors the stretch to
// the entry before it, which the live chain can confirm.
type Stretch struct {
	Chain       string
	First, Last Entry
	Count       int64
}

// VerifyExport checks an exported stretch of one chain — JSON entries one
// per line, in sequence order — without the database: every entry's hash
// matches its content and links to the one before it, with no entry
// missing, reordered or changed after the first. It returns a *Break at
// the first bad entry, and an error for a line that is not an entry.
func VerifyExport(r io.Reader) (Stretch, error) {
	var st Stretch
	var v *Verifier
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		if len(sc.Bytes()) == 0 {
			continue
		}
		var e Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return st, fmt.Errorf("line %d: not an audit entry: %w", line, err)
		}
		if v == nil {
			st.Chain, st.First = e.Chain, e
			v = Resume(e.Chain, e.Seq-1, e.PrevHash)
		}
		if err := v.Next(e); err != nil {
			return st, err
		}
		st.Last, st.Count = e, v.Count
	}
	if err := sc.Err(); err != nil {
		return st, err
	}
	if v == nil {
		return st, errors.New("the export holds no entries")
	}
	return st, nil
}

// Actor is who made a change.
type Actor struct {
	Type string // ActorUser, ActorAPIKey or ActorSystem
	ID   string
}
