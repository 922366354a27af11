package imagehash

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"

	"golang.org/x/image/draw"
)

func encodePNG(t testing.TB, img image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeJPEG(t testing.TB, img image.Image, quality int) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeGIF(t testing.TB, img image.Image) []byte {
	var b bytes.Buffer
	if err := gif.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func half(img image.Image) image.Image {
	b := img.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx()/2, b.Dy()/2))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

func brighten(img image.Image, by int) image.Image {
	b := img.Bounds()
	dst := image.NewRGBA(b)
	add := func(v uint32) uint8 { return uint8(min(255, int(v>>8)+by)) }
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			dst.Set(x, y, color.RGBA{add(r), add(g), add(bl), uint8(a >> 8)})
		}
	}
	return dst
}

func mustHash(t *testing.T, data []byte) uint64 {
	t.Helper()
	h, err := HashBytes(data)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestSamePhoto(t *testing.T) {
	const scenes = 6
	var hashes [scenes]uint64
	for seed := range uint64(scenes) {
		orig := Scene(seed, 240, 180)
		hashes[seed] = mustHash(t, encodePNG(t, orig))
		variants := map[string][]byte{
			"jpeg q90":      encodeJPEG(t, orig, 90),
			"jpeg q40":      encodeJPEG(t, orig, 40),
			"half size":     encodePNG(t, half(orig)),
			"brighter":      encodeJPEG(t, brighten(orig, 20), 85),
			"gif palette":   encodeGIF(t, orig),
			"half jpeg q60": encodeJPEG(t, half(orig), 60),
		}
		for name, data := range variants {
			if d := Distance(hashes[seed], mustHash(t, data)); d > 4 {
				t.Errorf("scene %d, %s: distance %d, want ≤ 4", seed, name, d)
			}
		}
	}
	for a := range scenes {
		for b := a + 1; b < scenes; b++ {
			if d := Distance(hashes[a], hashes[b]); d < 16 {
				t.Errorf("scenes %d and %d: distance %d, want ≥ 16", a, b, d)
			}
		}
	}
}

func TestWebP(t *testing.T) {
	// 1×1 WebP images, lossless and lossy (the feature probes browsers use).
	for _, b64 := range []string{
		"UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==",
		"UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA",
	} {
		data, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := HashBytes(data); err != nil {
			t.Errorf("WebP: %v", err)
		}
	}
}

// pngHeader returns the start of a PNG that declares w×h pixels: enough for
// image.DecodeConfig, a few dozen bytes standing for a huge image.
func pngHeader(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func TestGuards(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"file over 20 MiB", make([]byte, MaxBytes+1), ErrTooLarge},
		{"PNG declaring 100 megapixels", pngHeader(10000, 10000), ErrTooManyPixels},
		{"PNG declaring 4 billion pixels", pngHeader(1<<16, 1<<16), ErrTooManyPixels},
		{"GIF declaring 65535²", []byte("GIF89a\xff\xff\xff\xff\x00\x00\x00;"), ErrTooManyPixels},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := HashBytes(tt.data); !errors.Is(err, tt.want) {
				t.Errorf("HashBytes: %v, want %v", err, tt.want)
			}
		})
	}
	for name, data := range map[string][]byte{
		"garbage":          []byte("not an image"),
		"empty":            nil,
		"truncated header": pngHeader(100, 100)[:20],
		"header only":      pngHeader(100, 100),
	} {
		if _, err := HashBytes(data); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// Just under the pixel limit is decoded (and then fails for want of
	// data, not for its size).
	if _, err := HashBytes(pngHeader(5000, 10000)); errors.Is(err, ErrTooManyPixels) {
		t.Errorf("50 MP refused: %v", err)
	}
}
