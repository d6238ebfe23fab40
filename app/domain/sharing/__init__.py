"""Inter-firm order sharing (二次发单) under a park's joint mechanism (双联)."""
