sleep 1000 >/dev/null 2>&1 &
echo 1000 > /proc/$!/oom_score_adj
