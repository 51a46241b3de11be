unshare -r -p -f -u sh -c 'hostname byhand; touch /tmp/pid-uts.ready; exec sleep 1000' > /dev/null 2>&1 &
# The namespaces are made in the background: wait until it has done its part (a learner would not notice).
while [ ! -e /tmp/pid-uts.ready ]; do sleep 0.1; done
