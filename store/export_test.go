package store

// Translate exposes the driver-error translation to the tests of package store_test, which
// check it against errors the real schema raises.
var Translate = translate
