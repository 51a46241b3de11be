for i in 1 2; do timeout 20 yes > /dev/null 2>&1 & done
