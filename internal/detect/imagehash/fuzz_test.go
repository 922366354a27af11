package imagehash

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"slices"
	"testing"
)

// FuzzHashBytes feeds HashBytes any file. It must not panic; a file it
// hashes has a header within the limits and hashes the same every time;
// a file it refuses for its size is one whose header declares too many
// pixels.
func FuzzHashBytes(f *testing.F) {
	img := Scene(1, 32, 24)
	f.Add(encodePNG(f, img))
	f.Add(encodeJPEG(f, img, 80))
	f.Add(encodeGIF(f, img))
	for _, b64 := range []string{
		"UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==",
		"UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA",
	} {
		b, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(pngHeader(10000, 10000))
	f.Add(pngHeader(1, 1))
	f.Add([]byte("GIF89a\xff\xff\xff\xff\x00\x00\x00;"))
	f.Add([]byte("not an image"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		h, err := HashBytes(data)
		cfg, _, cerr := image.DecodeConfig(bytes.NewReader(data))
		switch {
		case err == nil:
			if cerr != nil || cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
				t.Fatalf("hashed an image with header %+v (%v)", cfg, cerr)
			}
			if again, err := HashBytes(data); err != nil || again != h {
				t.Fatalf("hash %x, then %x (%v)", h, again, err)
			}
		case errors.Is(err, ErrTooManyPixels):
			if cerr != nil || cfg.Width > 0 && cfg.Height > 0 && int64(cfg.Width)*int64(cfg.Height) <= MaxPixels {
				t.Fatalf("refused %+v (%v) as too large", cfg, cerr)
			}
		}
	})
}

// FuzzHashIndex stores fuzzed hashes, removes some, and compares each query
// with a scan: every stored hash within the distance is found, once, with
// its distance and group, nearest first, without the excluded group.
func FuzzHashIndex(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 0xff, 1, 2, 3, 4, 5, 6, 7, 9, 0x81}, uint8(3))
	f.Add(binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(nil, 0), ^uint64(0)), uint8(64))
	f.Add([]byte("\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x01\x00\x01\x00\x00\x00\x00\x01\x00\x01"), uint8(19))
	ix := NewIndex()
	f.Fuzz(func(t *testing.T, data []byte, dist uint8) {
		type stored struct {
			group string
			hash  uint64
		}
		live := map[string]stored{}
		defer func() {
			for id := range live {
				ix.Remove(id)
			}
			if ix.Len() != 0 {
				t.Fatalf("%d hashes left after removing all", ix.Len())
			}
		}()
		var hashes []uint64
		for i := 0; len(data) >= 9 && i < 200; i++ {
			h, op := binary.LittleEndian.Uint64(data), data[8]
			data = data[9:]
			hashes = append(hashes, h)
			id, group := fmt.Sprint("img", op%16), fmt.Sprint("s", op%3)
			if op&0x80 != 0 {
				ix.Remove(id)
				delete(live, id)
				continue
			}
			ix.Add(id, group, h)
			live[id] = stored{group, h}
		}
		if ix.Len() != len(live) {
			t.Fatalf("Len %d, want %d", ix.Len(), len(live))
		}
		maxDist := int(dist % 70)
		for i, q := range hashes {
			exclude := []string{"", "s0", "s1", "s2"}[i%4]
			var want []Match
			for id, s := range live {
				if d := Distance(q, s.hash); d <= maxDist && (exclude == "" || s.group != exclude) {
					want = append(want, Match{ID: id, Group: s.group, Distance: d})
				}
			}
			slices.SortFunc(want, func(a, b Match) int {
				if a.Distance != b.Distance {
					return a.Distance - b.Distance
				}
				if a.ID < b.ID {
					return -1
				}
				return 1
			})
			if got := ix.Query(q, maxDist, exclude); !slices.Equal(got, want) {
				t.Fatalf("Query(%x, %d, %q) = %v, want %v", q, maxDist, exclude, got, want)
			}
		}
	})
}
