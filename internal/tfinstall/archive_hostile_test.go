package tfinstall

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// writeZip writes an archive of the given headers and contents to a file.
func writeZip(t *testing.T, add func(zw *zip.Writer)) string {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	add(zw)
	require.NoError(t, zw.Close())
	path := filepath.Join(t.TempDir(), "a.zip")
	require.NoError(t, os.WriteFile(path, b.Bytes(), 0o644))
	return path
}

// An archive whose tofu entry is a symbolic link (to /etc/shadow, say) is
// refused: extract writes regular files only, and never the link's target
// as the binary.
func TestExtractSymlinkEntryIsRefused(t *testing.T) {
	archive := writeZip(t, func(zw *zip.Writer) {
		h := &zip.FileHeader{Name: "tofu", Method: zip.Store}
		h.SetMode(fs.ModeSymlink | 0o777)
		w, err := zw.CreateHeader(h)
		require.NoError(t, err)
		_, _ = w.Write([]byte("/etc/shadow"))
	})
	out := filepath.Join(t.TempDir(), "tofu")
	_, err := extract(archive, "tofu", out)
	require.EqualError(t, err, "holds a tofu that is not a regular file")
	_, statErr := os.Lstat(out)
	require.True(t, os.IsNotExist(statErr), "something was written")
}

// A decompression bomb whose header understates its size (1 KiB declared,
// 64 MiB of zeros compressed to a few KiB) stops at the declared size:
// the zip reader refuses to read past it, so what is written is bounded by
// a size the archive states and extract checks against maxBinary.
func TestExtractDecompressionBombStopsAtDeclaredSize(t *testing.T) {
	const real = 64 << 20
	var raw bytes.Buffer
	fw, err := flate.NewWriter(&raw, flate.BestCompression)
	require.NoError(t, err)
	zeros := make([]byte, 1<<20)
	for range real >> 20 {
		_, _ = fw.Write(zeros)
	}
	require.NoError(t, fw.Close())
	crc := crc32.NewIEEE()
	for range real >> 20 {
		_, _ = crc.Write(zeros)
	}
	archive := writeZip(t, func(zw *zip.Writer) {
		h := &zip.FileHeader{Name: "tofu", Method: zip.Deflate, CRC32: crc.Sum32(),
			CompressedSize64: uint64(raw.Len()), UncompressedSize64: 1 << 10}
		h.SetMode(0o755)
		w, err := zw.CreateRaw(h)
		require.NoError(t, err)
		_, _ = w.Write(raw.Bytes())
	})
	out := filepath.Join(t.TempDir(), "tofu")
	start := time.Now()
	_, err = extract(archive, "tofu", out)
	require.Error(t, err)
	require.Less(t, time.Since(start), 5*time.Second)
	if info, statErr := os.Stat(out); statErr == nil {
		require.LessOrEqual(t, info.Size(), int64(1<<10)+32<<10, "more than the declared size was written")
	}

	// A header that states more than maxBinary is refused before anything
	// is written.
	archive = writeZip(t, func(zw *zip.Writer) {
		h := &zip.FileHeader{Name: "tofu", Method: zip.Deflate, CRC32: crc.Sum32(),
			CompressedSize64: uint64(raw.Len()), UncompressedSize64: maxBinary + 1}
		w, err := zw.CreateRaw(h)
		require.NoError(t, err)
		_, _ = w.Write(raw.Bytes())
	})
	out = filepath.Join(t.TempDir(), "tofu")
	_, err = extract(archive, "tofu", out)
	require.ErrorContains(t, err, "not a binary of at most 1024 MiB")
	_, statErr := os.Lstat(out)
	require.True(t, os.IsNotExist(statErr))
}
