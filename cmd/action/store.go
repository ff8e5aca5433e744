package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/tierdeploy/tierdeploy/internal/app"
	"github.com/tierdeploy/tierdeploy/internal/config"
	"github.com/tierdeploy/tierdeploy/internal/filestore"
	"github.com/tierdeploy/tierdeploy/internal/ssmstore"
)

// lockWait is how long a writer waits for another's inventory lease.
const lockWait = 10 * time.Minute

// newStore opens the inventory store the configuration names.
func newStore(ctx context.Context, cfg *config.Config) (app.InventoryStore, error) {
	switch cfg.StoreKind() {
	case config.StoreSSM:
		s, err := ssmstore.NewFromEnv(ctx, cfg.Inventory.SSM.Region, ssmstore.Options{
			Name: cfg.Inventory.SSM.Name, KMSKeyID: cfg.Inventory.SSM.KMSKeyID, LockWait: lockWait,
		})
		if err != nil {
			return nil, fmt.Errorf("open the ssm inventory store: %w", err)
		}
		return s, nil
	default:
		return filestore.New(filestore.Options{
			Dir: filepath.Join(cfg.Root, filepath.FromSlash(cfg.FileStoreDir())), LockWait: lockWait,
		})
	}
}
