package store

import (
	"fmt"
	"io"
)

// Backup writes every live key (or only those changed after since, for an
// incremental backup) to w in badger's backup format, while the store keeps
// serving. It returns the version to pass as since next time. The stream
// is not encrypted even when the store is: protect the file.
func (s *DB) Backup(w io.Writer, since uint64) (uint64, error) {
	if err := s.BackupSupported(); err != nil {
		return 0, err
	}
	v, err := s.db.Backup(w, since)
	if err != nil {
		return 0, fmt.Errorf("backup store: %w", err)
	}
	return v, nil
}

// Load reads a stream written by Backup into the store. Restore into an
// empty store: keys in the stream overwrite keys already there.
func (s *DB) Load(r io.Reader) error {
	if s.db == nil {
		return s.unsupported("restore a backup")
	}
	if err := s.db.Load(r, 256); err != nil {
		return fmt.Errorf("load backup: %w", err)
	}
	return nil
}
