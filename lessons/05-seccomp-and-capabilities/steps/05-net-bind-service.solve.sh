httpd -p 8080
# Wait (at most 5 s) until the server listens, as a learner would look before going on.
i=0; while [ $i -lt 50 ] && ! netstat -ltn | grep -q ':8080 '; do sleep 0.1; i=$((i + 1)); done
