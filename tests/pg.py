"A throwaway PostgreSQL server on 127.0.0.1 for tests: Debian's postgresql, installed if missing, run as the postgres user."
import glob, os, shutil, subprocess, tempfile
from conftest import free_port

def _bin(name):
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if found: return found
    subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql"], check=True, capture_output=True)
    return shutil.which(name) or sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))[-1]

class PgServer:
    "Start with `PgServer().start()`; `.url` is its SQLAlchemy URL; `.stop()` ends it and removes its data."
    def start(self):
        self.dir = tempfile.mkdtemp(prefix="llmops-pg-")
        os.chmod(self.dir, 0o777)
        self.data, self.port = os.path.join(self.dir, "data"), free_port()
        user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(user + [_bin("initdb"), "-D", self.data, "-A", "trust", "-U", "postgres"], check=True, capture_output=True)
        self.user = user
        self.resume()
        self.url = f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/postgres"
        return self

    def resume(self):
        "Start the server (again) on its port, with its data."
        subprocess.run(self.user + [_bin("pg_ctl"), "-D", self.data, "-w", "-l", os.path.join(self.dir, "log"), "-o",
                        f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=50", "start"],
                       check=True, capture_output=True)

    def halt(self):
        "Stop the server, keeping its data for `resume`."
        subprocess.run(self.user + [_bin("pg_ctl"), "-D", self.data, "-m", "fast", "-w", "stop"], check=True, capture_output=True)

    def stop(self):
        subprocess.run(self.user + [_bin("pg_ctl"), "-D", self.data, "-m", "fast", "stop"], capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)
