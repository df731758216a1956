// A throwaway MQTT broker (aedes) for tests that must stop and restart a broker, require a
// password or speak TLS. aedes is ESM-only, so it runs as its own process, not inside jest.
//   node aedes-broker.mjs <port>   env: AEDES_USER, AEDES_PASS, AEDES_TLS_CERT, AEDES_TLS_KEY (PEM files)
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { Aedes } from 'aedes';

const port = Number(process.argv[2]);
const { AEDES_USER: user, AEDES_PASS: pass, AEDES_TLS_CERT: certFile, AEDES_TLS_KEY: keyFile } = process.env;
const broker = await Aedes.createBroker({
  authenticate: (_client, username, password, done) => {
    if (!user || (username === user && password?.toString() === pass)) return done(null, true);
    const error = new Error('bad user name or password');
    error.returnCode = 4;
    done(error, false);
  },
});
const server = certFile ? tls.createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, broker.handle) : net.createServer(broker.handle);
server.listen(port, '127.0.0.1');
