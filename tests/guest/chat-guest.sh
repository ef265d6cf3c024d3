#!/bin/sh
# Runs in the guest (06-chat): a chat client on the device's crypto engine
# sends /root/lines to the host's server at 10.0.2.2:$1, stays until the
# host's reply arrives, then ends with EOF. Prints the client's messages.
# as an ordinary user, with a key file of its own
port=$1
mkfifo /tmp/in
cp /root/key /tmp/key && chown user /tmp/key && chmod 600 /tmp/key
su user -c "exec vcrypto-chat client -k /tmp/key --crypto cryptodev:/dev/cryptodev0 -v 10.0.2.2 $port" \
	</tmp/in >/tmp/out 2>/tmp/err &
pid=$!
exec 3>/tmp/in
cat /root/lines >&3
i=0
until grep -q '^\[server\] reply from the host' /tmp/out || [ $i -ge 2400 ]; do
	usleep 50000
	i=$((i + 1))
done
exec 3>&-
wait $pid
echo "client exit $?"
sed 's/^/client out: /' /tmp/out
sed 's/^/client err: /' /tmp/err
