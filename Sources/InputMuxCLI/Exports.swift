// Exit statuses, the CLI's error and the lease holder's relay live in InputMuxRelay, so
// the small `muxctl` front can use them without this library. Every user of this
// library sees them as before.
@_exported import InputMuxRelay
