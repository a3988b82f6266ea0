package directory

import (
	"io"
	"path"
	"strings"
)

// formats are the file formats the directory is read from, by the extension of the file's
// name; a name with none of them is read as CSV.
var formats = []struct {
	ext  string
	read func(r io.ReaderAt, size int64) ([]*Listing, Problems)
}{
	{".json", func(r io.ReaderAt, size int64) ([]*Listing, Problems) {
		return ReadHSDS(io.NewSectionReader(r, 0, size))
	}},
	{".zip", ReadHSDSPackage},
	{".csv", readCSVAt},
}

// ReadFile reads the listings in a file of size bytes named name, in the format its name's
// extension says: HSDS JSON (.json), an HSDS data package (.zip) or CSV. The web upload and
// puente import both read through here, so both take every format the directory exports.
func ReadFile(name string, r io.ReaderAt, size int64) ([]*Listing, Problems) {
	ext := strings.ToLower(path.Ext(name))
	for _, f := range formats {
		if f.ext == ext {
			return f.read(r, size)
		}
	}
	return readCSVAt(r, size)
}

func readCSVAt(r io.ReaderAt, size int64) ([]*Listing, Problems) {
	return ReadCSV(io.NewSectionReader(r, 0, size))
}
