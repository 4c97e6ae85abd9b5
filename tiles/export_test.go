package tiles

// SetBeforeShare makes s call fn between making a tile and sharing it.
func SetBeforeShare(s *Service, fn func()) { s.beforeShare = fn }
