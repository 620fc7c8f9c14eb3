// The AT Protocol reference network for tests/test_atproto_reference.py: PLC directory, PDS and
// AppView (plus the bsync and Ozone services the AppView expects) from @atproto/dev-env.
//
// Run by start_devnet.sh, which provides PostgreSQL (DB_POSTGRES_URL) and Redis (REDIS_HOST) on
// 127.0.0.1. Every server listens on 127.0.0.1 only (see `listen` below); once the network is up this
// prints `ATPROTO_PDS_URL=...` and `ATPROTO_APPVIEW_URL=...` lines, then `ATPROTO_READY=1`, and runs
// until SIGTERM or SIGINT, when it closes the network.
import net from 'node:net'

// dev-env's servers call listen(port) on every interface; on a shared machine that is more than a
// test needs, so a listen without a host is pinned to the loopback address.
const listen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  if ((typeof args[0] === 'number' || typeof args[0] === 'string') && /^\d+$/.test(String(args[0]))) {
    if (typeof args[1] !== 'string') args.splice(1, 0, '127.0.0.1')
  } else if (args[0] && typeof args[0] === 'object' && args[0].port !== undefined && !args[0].host && !args[0].path) {
    args[0] = { ...args[0], host: '127.0.0.1' }
  }
  return listen.apply(this, args)
}

const { TestNetwork } = await import('@atproto/dev-env')

const network = await TestNetwork.create({
  dbPostgresSchema: process.env.DB_POSTGRES_SCHEMA || 'turnaround',
  pds: { hostname: 'localhost' },
})

console.log(`ATPROTO_PDS_URL=${network.pds.url.replace('localhost', '127.0.0.1')}`)
console.log(`ATPROTO_APPVIEW_URL=${network.bsky.url.replace('localhost', '127.0.0.1')}`)
console.log(`ATPROTO_PLC_URL=${network.plc.url.replace('localhost', '127.0.0.1')}`)
console.log('ATPROTO_READY=1')

let closing = false
const stop = async (signal) => {
  if (closing) return
  closing = true
  console.error(`devnet: ${signal}, closing the network`)
  const timer = setTimeout(() => process.exit(0), 10_000)
  try {
    await network.close()
  } catch (err) {
    console.error('devnet: close failed:', err?.message ?? err)
  }
  clearTimeout(timer)
  process.exit(0)
}
process.on('SIGTERM', () => void stop('SIGTERM'))
process.on('SIGINT', () => void stop('SIGINT'))
