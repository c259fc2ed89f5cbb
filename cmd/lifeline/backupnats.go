package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/rs/zerolog"

	"lifeline/cluster/jsstore"
	"lifeline/store"
)

// clusterBackupSequence names the sequence a cluster's backup records: the
// last number the cluster had handed out when the backup began. lifeline
// migrate raises the numbers of the cluster it copies the backup into
// above it; `lifeline restore` recognises a cluster's backup by it.
const clusterBackupSequence = "cluster-backup"

// exportBatch is how many records go into one transaction of the staging
// store.
const exportBatch = 500

// clusterBackup gathers a backup of every record of the cluster: each
// record's newest value, with what is left of its TTL, read from the
// RECORDS stream and written into a badger store staged in a temporary
// directory under the data directory (encrypted with the store's key, if
// any), so that the backup has the format of badger's (`lifeline
// restore` and `lifeline verify` read it as they read a single node's).
// It returns the function that streams that store's backup and removes
// the staging directory. The cluster's leases are not in it: they
// describe the instances running, not data.
func (c *natsCluster) backup(ctx context.Context, dataDir string, key []byte) (func(w io.Writer) error, error) {
	started := time.Now()
	dir, err := os.MkdirTemp(dataDir, ".cluster-backup-*")
	if err != nil {
		return nil, fmt.Errorf("cluster backup: staging directory: %w", err)
	}
	staged, err := store.Open(store.Options{Dir: dir, EncryptionKey: key, Logger: zerolog.Nop()})
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("cluster backup: staging store: %w", err)
	}
	discard := func() {
		staged.Close()
		os.RemoveAll(dir)
	}
	var batch []jsstore.Exported
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := staged.WriteAny(ctx, func(w store.Writer) error {
			for _, r := range batch {
				var err error
				if r.Deleted {
					err = w.Delete(r.Key)
				} else {
					err = w.Set(r.Key, r.Value, r.TTL)
				}
				if err != nil {
					return err
				}
			}
			return nil
		})
		batch = batch[:0]
		return err
	}
	live := 0
	stats, err := c.store.Export(ctx, func(r jsstore.Exported) error {
		if !r.Deleted {
			live++
		}
		batch = append(batch, r)
		if len(batch) == exportBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err == nil {
		err = staged.WriteAny(ctx, func(w store.Writer) error { return store.SetSequence(w, clusterBackupSequence, stats.LastSeq) })
	}
	if err != nil {
		discard()
		return nil, fmt.Errorf("cluster backup: %w", err)
	}
	c.log.Info().Int("messages", stats.Messages).Int("records", live).Uint64("last_seq", stats.LastSeq).
		Dur("took", time.Since(started)).Msg("cluster backup gathered")
	return func(w io.Writer) error {
		defer discard()
		if _, err := staged.Backup(w, 0); err != nil {
			return err
		}
		return nil
	}, nil
}

// clusterBackupMarker is the file a restored cluster's backup carries in
// its data directory: its records are numbered by the cluster's one
// sequence, which a single badger server does not continue, so that
// directory is only a source for `lifeline migrate`, never served.
const clusterBackupMarker = "CLUSTER-BACKUP"

// markClusterBackup marks the staging directory of a restore when the
// store loaded into it is a cluster's backup.
func markClusterBackup(db *store.DB, staging string) error {
	var is bool
	if err := db.Read(context.Background(), func(r store.Reader) (err error) {
		is, err = store.HasSequence(r, clusterBackupSequence)
		return err
	}); err != nil {
		return fmt.Errorf("read the restored store: %w", err)
	}
	if !is {
		return nil
	}
	return writeSynced(filepath.Join(staging, clusterBackupMarker),
		[]byte("a cluster's backup: copy it into an empty cluster with `lifeline migrate --from badger DIR --to nats`; a single badger server does not serve it\n"))
}

// isClusterBackup reports whether data directory dir holds a restored
// cluster's backup.
func isClusterBackup(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, clusterBackupMarker))
	return err == nil
}

// checkNotClusterBackup refuses to serve a restored cluster's backup on
// badger: new records would take numbers the backup's records hold.
func checkNotClusterBackup(dataDir string) error {
	if isClusterBackup(dataDir) {
		return fmt.Errorf("data directory %s holds a cluster's backup (%s is present): copy it into an empty cluster with `lifeline migrate --from badger %s --to nats` and serve with LIFELINE_BACKEND=nats",
			dataDir, clusterBackupMarker, dataDir)
	}
	return nil
}
